#!/usr/bin/env python3
"""Publish the LinkedIn and TikTok connectors (manifest + components.py) into Airbyte workspaces.

Thin wrapper over `airbyte_provisioning.commands.publish_custom_connectors`; `--help` lists the
options.
"""

import _bootstrap

_bootstrap.ensure_runtime()

from airbyte_provisioning.commands.publish_custom_connectors import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
