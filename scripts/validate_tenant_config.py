#!/usr/bin/env python3
"""`airbyte-stack validate` for any python3: validate tenants, schedules and templates (offline, then Airbyte).

Generated from airbyte_provisioning/commands/registry.py (edit the registry, not this file);
`--help` lists the options.
"""

import _bootstrap

_bootstrap.ensure_runtime()

from airbyte_provisioning.commands.validate_tenant_config import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
