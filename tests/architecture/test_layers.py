"""The library's layers: a module imports only its own layer and the layers below it.

The order is the one the README's Layout table gives. A test that parses every module's imports
keeps the shelves honest: an upward import (``core`` reaching for ``api``, a check importing a
command) fails here with the module and the import named.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from airbyte_provisioning.core.paths import REPO_ROOT

PACKAGE = "airbyte_provisioning"
# lowest first; a layer may import itself and any layer before it
LAYERS = ("core", "model", "templates", "api", "connectors", "reconcile", "checks", "commands")
TOP_LEVEL = {"cli": len(LAYERS)}  # the entry point sits above every layer


def layer_of(module: str) -> int | None:
    """The rank of ``airbyte_provisioning.<layer>...``; None for modules outside the library."""
    parts = module.split(".")
    if parts[0] != PACKAGE or len(parts) < 2:
        return None
    if parts[1] in TOP_LEVEL:
        return TOP_LEVEL[parts[1]]
    return LAYERS.index(parts[1]) if parts[1] in LAYERS else None


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def upward_imports(root: Path) -> list[str]:
    problems = []
    for path in sorted((root / PACKAGE).rglob("*.py")):
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        own = layer_of(module)
        for line, target in imported_modules(path):
            if target.split(".")[0] in {"sandboxes", "devtools", "benchmarks", "tests"}:
                problems.append(f"{path.relative_to(root)}:{line} imports developer tool {target}")
                continue
            rank = layer_of(target)
            if own is not None and rank is not None and rank > own:
                problems.append(
                    f"{path.relative_to(root)}:{line} imports {target} (a higher layer)"
                )
    return problems


def test_every_library_module_sits_in_a_layer() -> None:
    homeless = [
        str(path.relative_to(REPO_ROOT))
        for path in (REPO_ROOT / PACKAGE).glob("*.py")
        if path.stem not in {"__init__", *TOP_LEVEL}
    ]
    assert homeless == []


def test_no_module_imports_a_higher_layer_or_a_developer_tool() -> None:
    assert upward_imports(REPO_ROOT) == []


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("core/planted.py", "from airbyte_provisioning.api import AirbyteClient"),
        ("model/planted.py", "import airbyte_provisioning.commands.registry"),
        ("checks/planted.py", "from sandboxes.airbyte import create_app"),
    ],
)
def test_an_upward_import_is_reported(tmp_path: Path, module: str, line: str) -> None:
    planted = tmp_path / PACKAGE / module
    planted.parent.mkdir(parents=True)
    planted.write_text(f"{line}\n")
    [problem] = upward_imports(tmp_path)
    assert problem.startswith(f"{PACKAGE}/{module}:1 imports")
