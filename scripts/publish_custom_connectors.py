#!/usr/bin/env python3
"""`airbyte-stack publish` for any python3: publish the LinkedIn/TikTok manifests into a workspace.

Generated from airbyte_provisioning/commands/registry.py (edit the registry, not this file);
`--help` lists the options.
"""

import _bootstrap

_bootstrap.ensure_runtime()

from airbyte_provisioning.commands.publish_custom_connectors import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
