"""The package's layers hold themselves: the import contracts in pyproject.toml, no import cycle of any kind, and a
cache that notices an edit in any folder of the generator."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
from generator.engine.keys import generator_hash

pytestmark = pytest.mark.quick

LAYERS = ("core", "model", "photos", "engine", "render", "preview", "newsite", "publish", "views", "wordpress",
          "desk", "otomatis")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_layer_contracts_are_kept():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 kept, 0 broken" in done.stdout


def test_an_upward_import_breaks_the_contract_and_is_named(tmp_path):
    copy = tmp_path / "repo"
    copy.mkdir()
    shutil.copy(ROOT / "pyproject.toml", copy)
    shutil.copytree(ROOT / "generator", copy / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    model = copy / "generator" / "model" / "site.py"
    model.write_text(model.read_text(encoding="utf-8") + "\nfrom generator.render import writer  # noqa\n",
                     encoding="utf-8")
    done = lint_imports(copy)
    assert done.returncode == 1
    assert "generator.model is not allowed to import generator.render" in done.stdout
    assert "generator.model.site -> generator.render.writer" in done.stdout


def cycles(graph) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), i.e. the import cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in graph.find_modules_directly_imported_by(module):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_not_even_lazy_or_type_only():
    graph = grimp.build_graph("generator", exclude_type_checking_imports=False, cache_dir=None)
    assert cycles(graph) == []


@pytest.mark.parametrize("layer", ("",) + LAYERS)
def test_an_edit_in_any_folder_of_the_generator_invalidates_the_cache(tmp_path, layer):
    package = tmp_path / "generator"
    shutil.copytree(ROOT / "generator", package, ignore=shutil.ignore_patterns("__pycache__"))
    before = generator_hash(package)
    module = sorted((package / layer).glob("*.py"))[-1]
    module.write_text(module.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert generator_hash(package) != before


def test_every_layer_is_a_folder_the_readme_names():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for layer in LAYERS:
        assert (ROOT / "generator" / layer / "__init__.py").is_file()
        assert f"generator/{layer}/" in readme, layer
