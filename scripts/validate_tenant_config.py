#!/usr/bin/env python3
"""Validate the tenant environment (offline) and, with AIRBYTE_BASE_URL, against Airbyte.

Thin wrapper over `airbyte_provisioning.commands.validate_tenant_config`; `--help` lists the options.
"""

import _bootstrap

_bootstrap.ensure_runtime()

from airbyte_provisioning.commands.validate_tenant_config import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
