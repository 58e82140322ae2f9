#!/usr/bin/env python3
"""`airbyte-stack health` for any python3: classify every managed connection's latest jobs.

Generated from airbyte_provisioning/commands/registry.py (edit the registry, not this file);
`--help` lists the options.
"""

import _bootstrap

_bootstrap.ensure_runtime()

from airbyte_provisioning.commands.airbyte_health_check import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
