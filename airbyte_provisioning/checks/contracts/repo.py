"""The repository as the checks see it: its files, their text, and the contracts it holds.

A contract file that cannot be read as one contract (broken YAML, a list, an empty file, a name
another file already uses) is left out of ``Repo.contracts`` and reported once, naming the file,
in ``Repo.contract_problems``: the rules then check the contracts that did load.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from airbyte_provisioning.checks.contracts.names import RuleName
from airbyte_provisioning.core.problems import Problem
from airbyte_provisioning.core.types import JsonDict

SKIP_DIRS = {
    ".git",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".tmp",
    "build",
    "dist",
}
MAX_TEXT_BYTES = 1_000_000
CONTRACTS_DIR = "contract_checks/contracts"


def line_of(text: str, needle: str, default: int = 1) -> int:
    """1-based line of the first occurrence of ``needle`` in ``text``."""
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else default


@dataclass
class Repo:
    root: Path
    _text: dict[str, str | None] = field(default_factory=dict)

    @cached_property
    def files(self) -> list[str]:
        """Tracked plus untracked-but-not-ignored files (what the next commit could contain)."""
        try:
            out = subprocess.run(
                ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                cwd=self.root,
                capture_output=True,
                check=True,
                timeout=30,
            ).stdout.decode()
            names = [n for n in out.split("\0") if n]
            if names:
                return sorted(n for n in names if (self.root / n).is_file())
        except (OSError, subprocess.SubprocessError):
            pass
        return sorted(
            str(p.relative_to(self.root))
            for p in self.root.rglob("*")
            if p.is_file() and not SKIP_DIRS.intersection(p.relative_to(self.root).parts)
        )

    def text(self, rel: str) -> str | None:
        """The file's text, or None for binary, huge or unreadable files."""
        if rel not in self._text:
            path = self.root / rel
            try:
                data = path.read_bytes() if path.stat().st_size <= MAX_TEXT_BYTES else b"\0"
            except OSError:
                data = b"\0"
            self._text[rel] = None if b"\0" in data else data.decode("utf-8", errors="replace")
        return self._text[rel]

    def glob(self, *patterns: str) -> list[str]:
        found = {
            str(p.relative_to(self.root))
            for pattern in patterns
            for p in self.root.glob(pattern)
            if p.is_file()
        }
        return sorted(f for f in found if not SKIP_DIRS.intersection(Path(f).parts))

    @property
    def contracts(self) -> dict[str, tuple[str, JsonDict]]:
        """Contract name -> (file, document), for every contract file that loads."""
        return self._contract_files[0]

    @property
    def contract_problems(self) -> list[Problem]:
        """One problem per contract file that could not be loaded, naming the file."""
        return self._contract_files[1]

    @cached_property
    def _contract_files(self) -> tuple[dict[str, tuple[str, JsonDict]], list[Problem]]:
        contracts: dict[str, tuple[str, JsonDict]] = {}
        problems: list[Problem] = []
        for rel in self.glob(f"{CONTRACTS_DIR}/*.yaml"):
            document = self._load_contract(rel)
            if isinstance(document, Problem):
                problems.append(document)
                continue
            name = str(document.get("name", Path(rel).stem))
            if name in contracts:
                problems.append(
                    _contract_problem(
                        rel,
                        f"contract file {rel} is named {name}, like {contracts[name][0]}: "
                        "give each contract its own name; this one was not checked",
                        line_of(self.text(rel) or "", "name:"),
                    )
                )
                continue
            contracts[name] = (rel, document)
        return contracts, problems

    def _load_contract(self, rel: str) -> JsonDict | Problem:
        text = self.text(rel)
        if text is None:
            return _contract_problem(rel, f"contract file {rel} is not a text file under 1 MB")
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            return _contract_problem(
                rel,
                f"contract file {rel} is not valid YAML ({reason}); fix it, it was not checked",
                mark.line + 1 if mark is not None else None,
            )
        if not isinstance(document, dict):
            shape = "empty" if document is None else f"a {type(document).__name__}"
            return _contract_problem(
                rel,
                f"contract file {rel} is {shape}; it must be one mapping (name, columns, ...), "
                "so it was not checked",
            )
        return document


def _contract_problem(rel: str, message: str, line: int | None = 1) -> Problem:
    return Problem(message, code=RuleName.CONTRACT_SCHEMA.value, file=rel, line=line)
