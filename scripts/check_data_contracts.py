#!/usr/bin/env python3
"""`airbyte-stack contracts` for any python3: check query aliases, seed headers, env names, secrets, records.

Generated from airbyte_provisioning/commands/registry.py (edit the registry, not this file);
`--help` lists the options.
"""

import _bootstrap

_bootstrap.ensure_runtime()

from airbyte_provisioning.commands.check_data_contracts import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
