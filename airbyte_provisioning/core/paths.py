"""Where the repository's own files are, for the commands that read them from a source checkout.

The commands that read connector folders, templates, contracts or ``env.example`` run from a clone
of this repository (``make``, ``scripts/``, ``airbyte-stack`` installed in its ``.venv``); this is
the one place that knows how to find its root.
"""

from __future__ import annotations

from pathlib import Path

# airbyte_provisioning/core/paths.py -> the repository root, two packages up
REPO_ROOT = Path(__file__).resolve().parents[2]
CONNECTORS_DIR = REPO_ROOT / "connectors"
TEMPLATES_DIR = REPO_ROOT / "templates"
ENV_EXAMPLE = REPO_ROOT / "env.example"


def make_folder(path: Path, option: str) -> str | None:
    """Create ``path`` (with its parents) for a command's output; ``None`` when it is a folder
    now, else a message naming ``option`` and what to do (a file stands there, or the system
    refused, e.g. no permission)."""
    if path.exists() and not path.is_dir():
        return f"{option} {path} is not a folder but a file; name a folder (it is created when missing)"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"{option} {path} cannot be created: {exc.strerror}"
    return None
