#!/usr/bin/env python3
"""Check that production-only variables are present and not placeholders.

Thin wrapper over `airbyte_provisioning.commands.verify_production_readiness`; `--help` lists the options.
"""

import _bootstrap

_bootstrap.ensure_runtime()

from airbyte_provisioning.commands.verify_production_readiness import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
