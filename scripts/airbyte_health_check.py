#!/usr/bin/env python3
"""Report the health of every managed connection from its latest jobs.

Thin wrapper over `airbyte_provisioning.commands.airbyte_health_check`; `--help` lists the options.
"""

import _bootstrap

_bootstrap.ensure_runtime()

from airbyte_provisioning.commands.airbyte_health_check import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
