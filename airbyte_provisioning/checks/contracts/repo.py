"""The repository as the checks see it: its files, their text, and the contracts it holds."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

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


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    rule: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "rule": self.rule, "message": self.message}


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

    @cached_property
    def contracts(self) -> dict[str, tuple[str, dict[str, Any]]]:
        """Contract name -> (file, document)."""
        out: dict[str, tuple[str, dict[str, Any]]] = {}
        for rel in self.glob(f"{CONTRACTS_DIR}/*.yaml"):
            document = yaml.safe_load(self.text(rel) or "") or {}
            out[str(document.get("name", Path(rel).stem))] = (rel, document)
        return out
