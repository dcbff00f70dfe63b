"""The developers' rule, checked on the whole package: no function over 60 lines, none with more than 6 parameters
(pass a context object), and the build's top function reads as its stages (at most 30 lines)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from generator.core.resources import PACKAGE_DIR

pytestmark = pytest.mark.quick

MAX_LINES, MAX_PARAMETERS, MAX_BUILD_LINES = 60, 6, 30


def _functions():
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args
                named = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs if a.arg not in ("self", "cls")]
                named += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
                yield f"{path.relative_to(PACKAGE_DIR.parent).as_posix()}:{node.lineno} {node.name}", \
                    node.end_lineno - node.lineno + 1, len(named)


def test_no_function_is_over_60_lines_or_takes_more_than_6_parameters():
    found = list(_functions())
    assert len(found) > 500                     # the walk reached the whole package
    assert [f"{where} ({lines} lines)" for where, lines, _ in found if lines > MAX_LINES] == []
    assert [f"{where} ({count} parameters)" for where, _, count in found if count > MAX_PARAMETERS] == []


def test_the_build_reads_as_its_stages():
    lines = {where.split(" ")[1]: n for where, n, _ in _functions() if where.startswith("generator/build.py")}
    assert lines["_build"] <= MAX_BUILD_LINES
