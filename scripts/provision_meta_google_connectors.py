#!/usr/bin/env python3
"""Create or update the Meta and Google Ads template sources and metric connections.

Thin wrapper over `airbyte_provisioning.commands.provision_meta_google_connectors`; `--help` lists the options.
"""

import _bootstrap

_bootstrap.ensure_runtime()

from airbyte_provisioning.commands.provision_meta_google_connectors import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
