"""Cross-connector tests: every test taking ``connector_dir`` runs once per folder in connectors/.

The folder list is read from disk, so a new connector is checked without touching these tests.
The parameter overrides the root ``connector_dir`` fixture, so the root ``get_source`` factory
builds the source of the connector under test.

A test module may declare ``KNOWN_VIOLATIONS = {"<test id>": "<reason>"}``: those cases are
marked ``xfail(strict=True)``, so fixing the violation turns the case into a failure that asks
for the entry to be removed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CONNECTORS_DIR = Path(__file__).resolve().parents[2] / "connectors"


def connector_folders() -> list[Path]:
    return sorted(
        path
        for path in CONNECTORS_DIR.iterdir()
        if path.is_dir() and not path.name.startswith((".", "_"))
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "connector_dir" not in metafunc.fixturenames:
        return
    for marker in metafunc.definition.iter_markers(name="parametrize"):
        names = marker.args[0]
        if "connector_dir" in (
            names.replace(" ", "").split(",") if isinstance(names, str) else names
        ):
            return  # the test chose its own connectors
    folders = connector_folders()
    metafunc.parametrize("connector_dir", folders, ids=[folder.name for folder in folders])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    modules = {module for item in items if (module := getattr(item, "module", None)) is not None}
    for module in modules:
        for test_id in getattr(module, "KNOWN_VIOLATIONS", {}):
            if not hasattr(module, test_id.split("[", 1)[0]):
                raise pytest.UsageError(
                    f"{module.__name__}.KNOWN_VIOLATIONS names {test_id!r}, which is not a "
                    "test of that module: fix the id or remove the entry"
                )
    for item in items:
        known: dict[str, str] = getattr(getattr(item, "module", None), "KNOWN_VIOLATIONS", {})
        if item.name in known:
            item.add_marker(pytest.mark.xfail(strict=True, reason=known[item.name]))
