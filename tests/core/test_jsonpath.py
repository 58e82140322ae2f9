"""One text form for a path inside a JSON document, shared by templates and plans."""

from __future__ import annotations

from airbyte_provisioning.core.jsonpath import ROOT, format_path


def test_keys_are_dotted_and_indexes_bracketed() -> None:
    assert format_path(("credentials", "access_token")) == "credentials.access_token"
    assert format_path(("custom_queries_array", 0, "query")) == "custom_queries_array[0].query"
    assert format_path(("account_ids", 1)) == "account_ids[1]"


def test_the_document_itself_has_a_visible_name() -> None:
    assert format_path(()) == ROOT == "(root)"
