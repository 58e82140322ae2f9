"""Lets ``python3 scripts/<name>.py`` work from any interpreter and any working directory.

The scripts are thin wrappers over :mod:`airbyte_provisioning`. When the interpreter running them
lacks the project's dependencies but the project's ``.venv`` exists (``make install``), the script
re-executes itself with that virtualenv's Python instead of failing with an ImportError.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def ensure_runtime() -> None:
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    if importlib.util.find_spec("yaml") and importlib.util.find_spec("requests"):
        return
    venv_python = REPO_ROOT / ".venv" / "bin" / "python"
    if venv_python.exists() and Path(sys.executable).resolve() != venv_python.resolve():
        os.execv(str(venv_python), [str(venv_python), *sys.argv])
    sys.stderr.write(
        "missing dependencies: run `make install` (creates .venv) or `poetry install`, "
        "then run this script again\n"
    )
    raise SystemExit(2)
