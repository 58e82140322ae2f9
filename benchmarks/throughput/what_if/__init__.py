"""What-if measurements: every scenario measured again with a change the connectors do not ship.

A what-if is a folder holding a ``sitecustomize.py``; ``--what-if NAME`` puts it first on the
``PYTHONPATH`` of the measured processes only (never of the benchmark itself), so the change is
made in each connector process at start-up and the figures say what it would buy if it were made
upstream. The folder's module appends its process id to the file named by its log variable when
it has made the change: :meth:`WhatIf.patched_processes` counts them, and the benchmark refuses
figures from processes that ran without it.

``cdk-iso-dates`` (``cdk_iso_dates/sitecustomize.py``): the CDK's ``DatetimeParser.parse`` with
a fast path for ``"%Y-%m-%d"`` and ``"%Y-%m-%d %H:%M:%S"``, what an incremental cursor's
per-record parsing would cost with it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

WhatIfName = Literal["cdk-iso-dates"]
WHAT_IF_NAMES: tuple[WhatIfName, ...] = get_args(WhatIfName)
FOLDER = Path(__file__).parent


@dataclass(frozen=True)
class WhatIf:
    """A change measured by running every scenario again with ``folder`` on ``PYTHONPATH``."""

    name: WhatIfName
    folder: Path
    log_variable: str
    description: str

    def environment(self, log: Path, base: dict[str, str] | None = None) -> dict[str, str]:
        """What the measured processes' environment gets: the folder first on ``PYTHONPATH``
        (before any the benchmark was given) and the log file."""
        existing = (os.environ if base is None else base).get("PYTHONPATH")
        path = os.pathsep.join([str(self.folder), existing] if existing else [str(self.folder)])
        return {"PYTHONPATH": path, self.log_variable: str(log)}

    @staticmethod
    def patched_processes(log: Path) -> int:
        """How many processes logged to ``log`` that they made the change."""
        try:
            return len(log.read_text(encoding="utf-8").split())
        except FileNotFoundError:
            return 0


WHAT_IFS: dict[WhatIfName, WhatIf] = {
    "cdk-iso-dates": WhatIf(
        "cdk-iso-dates",
        FOLDER / "cdk_iso_dates",
        "CDK_ISO_DATES_LOG",
        "airbyte_cdk DatetimeParser.parse with a fast path (datetime.fromisoformat after an exact "
        "shape check) for '%Y-%m-%d' and '%Y-%m-%d %H:%M:%S'; the CDK's own code otherwise",
    ),
}
