"""Which files below content/ are sources: the one rule the build, the preview, the desk, `views`, the scheduler and
the WordPress importer all use.

A source is a Markdown file below content/posts/ (a post) or content/pages/ (a page). A folder holding index.md is a
bundle: its index.md is the source and every other file below it (Markdown too) belongs to it. A file or folder whose
name starts with '.' or '_' (drafts folders, editors' and version control's files) is not read, and neither is a
folder reached through a symbolic link (content.check_links decides on links; the build's scan does not enter them).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

KINDS = (("post", "posts"), ("page", "pages"))
SKIPPED = (".", "_")


class Source(NamedTuple):
    """One source: 'post' or 'page', its Markdown file, and its bundle folder (None for a single-file source)."""

    kind: str
    path: Path
    bundle: Path | None


def bundle_files(bundle: Path | None) -> list[str]:
    """The files of a bundle besides index.md, by name, as the build reads them: not the '.DS_Store' or the
    '._foto.jpg' copies a Mac leaves."""
    if bundle is None:
        return []
    return sorted(p.name for p in bundle.iterdir()
                  if p.is_file() and p.name != "index.md" and not p.name.startswith("."))


def sources(names: Iterable[str]) -> list[tuple[str, str, str | None]]:
    """The rule on names alone: names are the files below content/ as POSIX paths ('posts/2019/x/index.md');
    -> (kind, source path, bundle folder or None), both below content/, in a stable order (folder by folder)."""
    names = list(names)
    found = []
    for kind, top in KINDS:
        inside = [rel[len(top) + 1:] for rel in names if rel.startswith(top + "/") and rel.endswith(".md")]
        bundles = {name.rpartition("/")[0] for name in inside if name == "index.md" or name.endswith("/index.md")}
        for name in sorted(inside, key=lambda n: n.split("/")):
            parts = name.split("/")
            if any(part.startswith(SKIPPED) for part in parts):
                continue
            folder = name.rpartition("/")[0]
            if parts[-1] == "index.md":
                found.append((kind, f"{top}/{name}", f"{top}/{folder}" if folder else top))
            elif not any("/".join(parts[:i]) in bundles for i in range(len(parts))):
                found.append((kind, f"{top}/{name}", None))
    return found


def files(content_dir: Path) -> list[str]:
    """The files below content/posts and content/pages as POSIX paths below content/, as the build's scan lists
    them: a linked file counts when it leads to a file, a linked folder is not entered, an unreadable folder is
    passed over."""
    found = []
    stack = [(content_dir / top, top + "/") for _kind, top in KINDS]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = os.scandir(folder)
        except OSError:
            continue
        with entries:
            for item in entries:
                try:
                    if item.is_dir(follow_symlinks=False):
                        stack.append((Path(item.path), prefix + item.name + "/"))
                    elif item.is_file():
                        found.append(prefix + item.name)
                except OSError:
                    continue
    return found


def discover(content_dir: Path) -> list[Source]:
    """Every source of a content/ folder, in a stable order."""
    return [Source(kind, content_dir / rel, content_dir / bundle if bundle is not None else None)
            for kind, rel, bundle in sources(files(content_dir))]
