#!/usr/bin/env python3
"""Check the data contracts: query aliases, seed headers, env names, secrets, records.

Thin wrapper over `airbyte_provisioning.commands.check_data_contracts`; `--help` lists the options.
"""

import _bootstrap

_bootstrap.ensure_runtime()

from airbyte_provisioning.commands.check_data_contracts import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
