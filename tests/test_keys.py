"""engine.keys: every cache key in one module; each input a key declares changes it (a key that ignored one would
let the build reuse a stale result)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from generator.engine import keys

pytestmark = pytest.mark.quick


def _each_changes(make, base: dict, others: dict):
    first = make(**base)
    assert make(**base) == first
    for name, other in others.items():
        assert make(**{**base, name: other}) != first, name


@dataclasses.dataclass
class _Options:
    output: Path
    drafts: bool = False
    future: bool = False
    search: bool = True
    preview: bool = False


def test_the_whole_builds_key_covers_config_sources_templates_and_the_options_that_change_output(tmp_path):
    base = _Options(tmp_path / "output")
    _each_changes(keys.site_key, {"config": "c", "scan": {"a.md": (1, 2)}, "theme": {"t.html": (1, 2)},
                                  "templates": (tmp_path,), "options": base},
                  {"config": "d", "scan": {"a.md": (1, 3)}, "theme": {}, "templates": (tmp_path / "x",),
                   "options": dataclasses.replace(base, drafts=True)})
    for change in ({"future": True}, {"search": False}, {"preview": True}, {"output": tmp_path / "lain"}):
        assert keys.site_key("c", {}, {}, (), dataclasses.replace(base, **change)) != keys.site_key("c", {}, {}, (), base)


def test_the_record_markdown_copy_and_card_keys_cover_their_inputs():
    _each_changes(keys.source_key, {"config": "c", "kind": "post", "files": ["a.jpg"]},
                  {"config": "d", "kind": "page", "files": ["b.jpg"]})
    _each_changes(keys.markdown_key, {"sha": "s", "body_line": 5, "links": (("a", "/a/"),)},
                  {"sha": "t", "body_line": 6, "links": (("a", "/b/"),)})
    _each_changes(keys.copy_key, {"source": "/a", "size": 1, "time_ns": 2, "unsure": False},
                  {"source": "/b", "size": 2, "time_ns": 3, "unsure": True})
    _each_changes(keys.share_card_key, {"title": "t", "site_title": "s", "cover_digest": "c", "logo_key": "l",
                                        "color": "#fff"},
                  {"title": "u", "site_title": "r", "cover_digest": "", "logo_key": "m", "color": "#000"})
    assert keys.page_key(b"<p>a</p>") != keys.page_key(b"<p>b</p>")
    assert keys.config_key(b"") != keys.config_key(b"site: {}")


def test_the_generators_own_code_is_in_its_key(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.py").write_text("x = 1\n")
    before = keys.generator_hash(tmp_path)
    (tmp_path / "sub" / "a.py").write_text("x = 2\n")
    assert keys.generator_hash(tmp_path) != before
