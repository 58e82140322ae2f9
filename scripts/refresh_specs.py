#!/usr/bin/env python3
"""`airbyte-stack refresh-specs` for any python3: regenerate the pinned spec snapshots of the official connectors (needs PyPI).

Generated from airbyte_provisioning/commands/registry.py (edit the registry, not this file);
`--help` lists the options.
"""

import _bootstrap

_bootstrap.ensure_runtime()

from airbyte_provisioning.commands.refresh_specs import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
