"""core.progress: the one terminal progress line (photos, pages, files sent)."""

from __future__ import annotations

import io

import pytest

from generator.core import progress

pytestmark = pytest.mark.quick


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_the_line_is_redrawn_in_place_at_most_ten_times_a_second_and_its_last_state_always():
    stream, clock = io.StringIO(), Clock()
    line = progress.Line(stream, clock=clock)
    line.show("1/3")
    clock.now = 0.05
    line.show("2/3")                     # too soon: skipped
    line.show("3/3", last=True)          # the last state is always drawn
    assert stream.getvalue() == "\r1/3\r3/3"
    line.end()
    assert stream.getvalue().endswith("3/3\n")


def test_a_shorter_text_blanks_what_the_longer_one_left_and_clear_leaves_an_empty_line():
    stream, clock = io.StringIO(), Clock()
    line = progress.Line(stream, clock=clock)
    line.show("kpu: 1000 berkas terkirim")
    clock.now = 1
    line.show("selesai")
    assert stream.getvalue().endswith("\rselesai" + " " * 18)
    line.clear()
    assert stream.getvalue().endswith("\r" + " " * 7 + "\r") and "\033" not in stream.getvalue()
    before = stream.getvalue()
    line.clear()
    line.end()
    assert stream.getvalue() == before     # nothing drawn since: nothing to clear or end


def test_bar_and_time_left():
    assert progress.bar(0, 4, 8) == " " * 8
    assert progress.bar(2, 4, 8, ".") == "####...."
    assert progress.bar(4, 4, 8) == "#" * 8
    assert progress.remaining(0, 30, 1, 3) == "1:00"
    assert progress.remaining(0, 30, 0, 3) == "0:00"


def test_only_a_terminal_gets_the_line():
    assert not progress.on_terminal(io.StringIO())
    closed = io.StringIO()
    closed.close()
    assert not progress.on_terminal(closed)
