#!/usr/bin/env python3
"""Plan and apply every tenant's connections from the template connections.

Thin wrapper over `airbyte_provisioning.commands.bootstrap_connections`; `--help` lists the options.
"""

import _bootstrap

_bootstrap.ensure_runtime()

from airbyte_provisioning.commands.bootstrap_connections import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
