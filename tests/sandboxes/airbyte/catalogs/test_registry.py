"""Definitions take their spec from the pinned snapshots."""

from __future__ import annotations

import json
from pathlib import Path

from sandboxes.airbyte import (
    create_app,
)
from sandboxes.airbyte.catalogs import (
    GOOGLE_ADS_ID,
    load_spec_snapshots,
)

from ..helpers import WS, call


def test_spec_snapshots_replace_the_built_in_spec(tmp_path: Path) -> None:
    spec = {
        "type": "object",
        "required": ["custom_required"],
        "properties": {"custom_required": {"type": "string", "airbyte_secret": True}},
    }
    snapshot = {
        "connector": "source-google-ads",
        "docker_repository": "airbyte/source-google-ads",
        "spec": {"connectionSpecification": spec},
    }
    (tmp_path / "source-google-ads-6.1.7.json").write_text(json.dumps(snapshot))
    (tmp_path / "broken.json").write_text("{")
    assert load_spec_snapshots(tmp_path) == {"airbyte/source-google-ads": spec}
    app = create_app(spec_dir=tmp_path)
    status, body = call(
        app,
        "sources/create",
        {
            "workspaceId": WS,
            "sourceDefinitionId": GOOGLE_ADS_ID,
            "name": "x",
            "connectionConfiguration": {"other": 1},
        },
    )
    assert status == 422 and "$.custom_required: is missing but it is required" in body["message"]
    _, read = call(
        app,
        "source_definition_specifications/get",
        {"workspaceId": WS, "sourceDefinitionId": GOOGLE_ADS_ID},
    )
    assert read["connectionSpecification"] == spec
