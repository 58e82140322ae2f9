#!/usr/bin/env python3
"""`airbyte-stack provision` for any python3: create/update the Meta + Google template sources and connections.

Generated from airbyte_provisioning/commands/registry.py (edit the registry, not this file);
`--help` lists the options.
"""

import _bootstrap

_bootstrap.ensure_runtime()

from airbyte_provisioning.commands.provision_meta_google_connectors import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
