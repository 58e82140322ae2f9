#!/usr/bin/env python3
"""`airbyte-stack verify` for any python3: check production-only variables are real, not placeholders.

Generated from airbyte_provisioning/commands/registry.py (edit the registry, not this file);
`--help` lists the options.
"""

import _bootstrap

_bootstrap.ensure_runtime()

from airbyte_provisioning.commands.verify_production_readiness import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
