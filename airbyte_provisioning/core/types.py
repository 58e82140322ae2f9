"""Type aliases every layer shares."""

from __future__ import annotations

from typing import Any

# a JSON object as the Config API, the connectors and the commands exchange it
JsonDict = dict[str, Any]
