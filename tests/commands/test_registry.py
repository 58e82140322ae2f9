"""The command registry is the one list of commands: the scripts, ``airbyte-stack`` and the
Makefile targets that run commands all agree with it.

The agreement checks are plain functions run on this repository and, to prove they can fail, on
copies with a planted drift (an extra script, a stale script, a Makefile target calling a command
another way or one the registry does not know).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from airbyte_provisioning.commands import registry
from airbyte_provisioning.commands.registry import BY_NAME, COMMANDS, Command, script_source

REPO = Path(__file__).resolve().parents[2]
SCRIPT_HELPERS = {"_bootstrap.py"}  # not a command: finds the runtime for every script
# a recipe line's way of running a command: `airbyte-stack <name>`
STACK_CALL = re.compile(r"\bairbyte-stack\s+([a-z][a-z-]*)")
# ways around the registry that a recipe must not use
BYPASS = re.compile(r"scripts/\w+\.py|-m\s+airbyte_provisioning\b")


def makefile_recipes(text: str) -> dict[str, list[str]]:
    """target -> its recipe lines (a small reader for this Makefile's plain rules)."""
    recipes: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        rule = re.match(r"^([A-Za-z_-]+):(?!=)", line)
        if rule:
            current = rule.group(1)
            recipes[current] = []
        elif line.startswith("\t") and current is not None:
            recipes[current].append(line.strip())
        elif line.strip() and not line.startswith("#"):
            current = None
    return recipes


def script_drift(scripts_dir: Path, commands: tuple[Command, ...] = COMMANDS) -> list[str]:
    wanted = {f"{c.script}.py": c for c in commands if c.script}
    present = {p.name for p in scripts_dir.glob("*.py")} - SCRIPT_HELPERS
    drift = [
        f"scripts/{name}: no registry entry names it" for name in sorted(present - set(wanted))
    ]
    drift += [f"scripts/{name}: missing" for name in sorted(set(wanted) - present)]
    drift += [
        f"scripts/{name}: differs from the registry's text"
        for name in sorted(present & set(wanted))
        if (scripts_dir / name).read_text() != script_source(wanted[name])
    ]
    return drift


def makefile_drift(makefile: str, commands: tuple[Command, ...] = COMMANDS) -> list[str]:
    by_target = {c.make_target: c for c in commands if c.make_target}
    known = {c.name for c in commands}
    drift = []
    for target, lines in makefile_recipes(makefile).items():
        called = {m for line in lines for m in STACK_CALL.findall(line)}
        drift += [
            f"{target}: bypasses the registry: {line}" for line in lines if BYPASS.search(line)
        ]
        drift += [f"{target}: calls unknown command {name!r}" for name in sorted(called - known)]
        entry = by_target.pop(target, None)
        if entry is None and called & known:
            drift += [f"{target}: runs {sorted(called)} but no registry entry names this target"]
        elif entry is not None and called != {entry.name}:
            drift += [f"{target}: should run `airbyte-stack {entry.name}`, runs {sorted(called)}"]
    drift += [f"{target}: no such Makefile target" for target in sorted(by_target)]
    return drift


# --- this repository -------------------------------------------------------------------------------


def test_every_registered_module_is_a_command_named_after_its_entry() -> None:
    import importlib

    for command in COMMANDS:
        module = importlib.import_module(command.module_path)
        assert callable(module.main), command.name
        parser = module.build_parser()
        assert parser.prog == f"airbyte-stack {command.name}"
        takes_env = any("--env-file" in a.option_strings for a in parser._actions)
        assert takes_env == command.reads_env, command.name


def test_names_scripts_and_targets_are_each_listed_once() -> None:
    for field in ("name", "module", "script", "make_target"):
        values = [getattr(c, field) for c in COMMANDS if getattr(c, field)]
        assert len(values) == len(set(values)), field
    assert {"sync", "refresh-specs"} <= set(BY_NAME)


def test_the_scripts_are_the_registrys() -> None:
    assert script_drift(REPO / "scripts") == []


def test_the_makefile_runs_commands_the_registrys_way() -> None:
    assert makefile_drift((REPO / "Makefile").read_text()) == []


def test_the_generator_writes_exactly_the_checked_scripts(tmp_path: Path) -> None:
    shutil.copy(REPO / "scripts" / "_bootstrap.py", tmp_path)
    written = registry.write_scripts(tmp_path)
    assert len(written) == sum(1 for c in COMMANDS if c.script)
    assert script_drift(tmp_path) == []


# --- the checks catch a planted drift ------------------------------------------------------------


def test_an_extra_a_missing_and_a_stale_script_are_each_reported(tmp_path: Path) -> None:
    registry.write_scripts(tmp_path)
    (tmp_path / "orphan_command.py").write_text("print('hi')\n")
    (tmp_path / "refresh_specs.py").unlink()
    stale = tmp_path / "validate_tenant_config.py"
    stale.write_text(stale.read_text().replace("validate_tenant_config import", "other import"))

    assert script_drift(tmp_path) == [
        "scripts/orphan_command.py: no registry entry names it",
        "scripts/refresh_specs.py: missing",
        "scripts/validate_tenant_config.py: differs from the registry's text",
    ]


@pytest.mark.parametrize(
    ("planted", "expected"),
    [
        (
            "sync: install\n\t$(RUN) python -m airbyte_provisioning.cli sync --connector x\n",
            "sync: bypasses the registry",
        ),
        (
            "publish: install\n\t$(RUN) python scripts/publish_custom_connectors.py\n",
            "publish: bypasses",
        ),
        (
            "sync: install\n\t$(RUN) airbyte-stack publish\n",
            "sync: should run `airbyte-stack sync`",
        ),
        (
            "extra: install\n\t$(RUN) airbyte-stack health\n",
            "extra: runs ['health'] but no registry",
        ),
        (
            "extra: install\n\t$(RUN) airbyte-stack nosuch\n",
            "extra: calls unknown command 'nosuch'",
        ),
    ],
)
def test_a_makefile_target_that_drifts_is_reported(planted: str, expected: str) -> None:
    makefile = (REPO / "Makefile").read_text()
    target = planted.split(":", 1)[0]
    # drop the real target of that name, then plant the drifting one
    kept = re.sub(rf"(?ms)^{re.escape(target)}:.*?(?=^\S|\Z)", "", makefile)
    drift = makefile_drift(kept + "\n" + planted)
    assert any(line.startswith(expected) for line in drift), drift


def test_a_registry_target_missing_from_the_makefile_is_reported() -> None:
    makefile = (REPO / "Makefile").read_text()
    without = re.sub(r"(?ms)^refresh-specs:.*?(?=^\S|\Z)", "", makefile)
    assert makefile_drift(without) == ["refresh-specs: no such Makefile target"]


def test_the_readme_table_lists_every_command_with_its_script_and_target() -> None:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Scripts", 1)[1].split("\n## ", 1)[0]
    cells = [
        [cell.strip().strip("`") for cell in line.strip("|").split("|")[:3]]
        for line in section.splitlines()
        if line.startswith("| `")
    ]
    rows = [row for row in cells if row[0] != "airbyte-stack"]  # not the header row
    expected = [
        [
            c.name,
            f"{c.script}.py" if c.script else "",
            f"make {c.make_target}" if c.make_target else "",
        ]
        for c in COMMANDS
    ]
    assert rows == expected
