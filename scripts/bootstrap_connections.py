#!/usr/bin/env python3
"""`airbyte-stack bootstrap` for any python3: plan and apply every tenant's connections.

Generated from airbyte_provisioning/commands/registry.py (edit the registry, not this file);
`--help` lists the options.
"""

import _bootstrap

_bootstrap.ensure_runtime()

from airbyte_provisioning.commands.bootstrap_connections import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
