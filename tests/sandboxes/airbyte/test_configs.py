"""Secrets masked on read, restored on write."""

from __future__ import annotations

from sandboxes.airbyte import (
    MASK,
    mask_secrets,
    restore_secrets,
)


def test_masking_follows_the_spec_and_falls_back_to_key_names() -> None:
    spec = {
        "properties": {
            "auth": {
                "oneOf": [
                    {"properties": {"api_key_id": {"type": "string", "airbyte_secret": True}}}
                ]
            },
            "token_url": {"type": "string"},
        }
    }
    config = {
        "auth": {"api_key_id": "AKIA123", "other_password": "p"},
        "token_url": "https://x",
        "nested": [{"refresh_token": "r"}],
    }
    assert mask_secrets(config, spec) == {
        "auth": {"api_key_id": MASK, "other_password": MASK},
        "token_url": "https://x",
        "nested": [{"refresh_token": MASK}],
    }


def test_restoring_masks_keeps_old_values_only_where_the_mask_was_sent() -> None:
    old = {"a": "secret-a", "b": {"c": "secret-c"}, "list": [{"k": "v1"}]}
    new = {"a": MASK, "b": {"c": "new-c"}, "list": [{"k": MASK}], "added": MASK}
    assert restore_secrets(new, old) == {
        "a": "secret-a",
        "b": {"c": "new-c"},
        "list": [{"k": "v1"}],
        "added": MASK,
    }
