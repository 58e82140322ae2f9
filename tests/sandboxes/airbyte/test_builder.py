"""Declarative definitions: manifest versions and their conflicts."""

from __future__ import annotations

from sandboxes.airbyte import (
    AirbyteSandboxApp,
)
from sandboxes.airbyte.catalogs import (
    GOOGLE_ADS_ID,
)

from .helpers import WS, call


def test_create_manifest_conflicts_and_non_declarative_definitions(app: AirbyteSandboxApp) -> None:
    manifest = {
        "description": "d",
        "version": 1,
        "spec": {"connectionSpecification": {"type": "object"}},
        "manifest": {"streams": [{"name": "s"}]},
    }
    status, project = call(
        app,
        "connector_builder_projects/create",
        {"workspaceId": WS, "builderProject": {"name": "p"}},
    )
    assert status == 201
    _, published = call(
        app,
        "connector_builder_projects/publish",
        {
            "workspaceId": WS,
            "builderProjectId": project["builderProjectId"],
            "name": "p",
            "initialDeclarativeManifest": manifest,
        },
    )
    body = {
        "workspaceId": WS,
        "sourceDefinitionId": published["sourceDefinitionId"],
        "setAsActiveManifest": True,
        "declarativeManifest": manifest,
    }
    assert call(app, "declarative_source_definitions/create_manifest", body)[0] == 409
    assert (
        call(
            app,
            "declarative_source_definitions/create_manifest",
            {**body, "sourceDefinitionId": GOOGLE_ADS_ID},
        )[0]
        == 400
    )
    assert (
        call(
            app,
            "declarative_source_definitions/create_manifest",
            {**body, "declarativeManifest": {**manifest, "version": 2}},
        )[0]
        == 201
    )
