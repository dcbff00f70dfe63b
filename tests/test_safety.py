"""No content value can make the build write outside the output folder: properties over arbitrary text."""

from __future__ import annotations

import posixpath
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.model import content
from generator.model.entries import slugify
from generator.render import writer

pytestmark = pytest.mark.property

# Text that is rich in the characters that matter for paths.
PATHISH = st.lists(st.sampled_from(list("/\\.-_aZ9 %:?#~\x00\né") + ["..", "../", "/.."]), max_size=20).map("".join)
ANY = st.one_of(PATHISH, st.text(max_size=40))


@settings(max_examples=150, deadline=None)
@given(ANY)
def test_alias_paths_stay_inside_the_site(text):
    clean = content.safe_url_path(text)
    if clean is None:
        return
    assert clean.startswith("/") and clean != "/"
    assert ".." not in clean.split("/") and "\\" not in clean and "\x00" not in clean
    assert posixpath.normpath(clean).startswith("/")
    assert ".." not in writer.relative_path(clean).split("/")


@settings(max_examples=150, deadline=None)
@given(ANY)
def test_written_paths_never_leave_the_output(text):
    try:
        clean = writer.relative_path(text)
    except writer.UnsafeOutput:
        return
    assert not clean.startswith("/") and ".." not in clean.split("/") and "\x00" not in clean
    assert posixpath.normpath(posixpath.join("/out", clean)).startswith("/out/")


@settings(max_examples=150, deadline=None)
@given(ANY)
def test_slugs_are_plain(text):
    slug = slugify(text)
    assert re.fullmatch(r"([a-z0-9]+(-[a-z0-9]+)*)?", slug)
