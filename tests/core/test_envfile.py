"""Env files parse the way docker compose and bash agree on."""

from __future__ import annotations

from pathlib import Path

import pytest

from airbyte_provisioning.core.envfile import (
    EnvFileError,
    load_environment,
    parse_env_lines,
    read_env_file,
    write_env_file,
)


def parse(text: str) -> dict[str, str]:
    return {e.name: e.value for e in parse_env_lines(text)}


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("A=plain", "plain"),
        ("A=", ""),
        ('A="0 6-22 * * *"', "0 6-22 * * *"),
        ("A='single $quoted'", "single $quoted"),
        ('A="with \\"escape\\""', 'with "escape"'),
        ("export A=exported", "exported"),
        ("A=value # trailing comment", "value"),
        ("A=url#fragment", "url#fragment"),
        ('A="quoted" # comment', "quoted"),
        ("  A = spaced  ", "spaced"),
    ],
)
def test_values(line: str, value: str) -> None:
    assert parse(line) == {"A": value}


def test_comments_and_blank_lines_are_skipped() -> None:
    assert parse("# comment\n\nB=1\n") == {"B": "1"}


@pytest.mark.parametrize("text", ["not an assignment", 'A="unterminated', 'A="x" junk', "1A=x"])
def test_malformed_lines_name_the_line(text: str) -> None:
    with pytest.raises(EnvFileError, match=r"<env>:1"):
        parse_env_lines(text)


def test_file_overrides_process_environment(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("A=from-file\n")
    assert load_environment(path, base={"A": "from-env", "B": "kept"}) == {
        "A": "from-file",
        "B": "kept",
    }


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EnvFileError, match="cannot read env file"):
        load_environment(tmp_path / "missing.env", base={})


@pytest.mark.parametrize(
    "line",
    [
        "AIRBYTE_META_APP_SECRET: s3cr3t-value-do-not-print",
        "AIRBYTE_META_APP_SECRET s3cr3t-value-do-not-print",
        "export AIRBYTE_META_APP_SECRET: s3cr3t-value-do-not-print",
        "- s3cr3t-value-do-not-print",
        "s3cr3tValueDoNotPrint",
        "s3cr3t_value_do_not_print more",
    ],
)
def test_a_malformed_line_names_its_place_but_echoes_no_part_of_the_value(line: str) -> None:
    with pytest.raises(EnvFileError) as caught:
        parse_env_lines(f"A=1\n{line}\n", "stack.env")
    message = str(caught.value)
    assert message.startswith("stack.env:2: expected NAME=value")
    assert "s3cr" not in message
    if "AIRBYTE_META_APP_SECRET" in line:
        assert "AIRBYTE_META_APP_SECRET" in message


def test_a_file_that_is_not_utf8_gets_a_message_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.env"
    path.write_bytes(b"A=1\nB=caf\xe9\n")
    with pytest.raises(EnvFileError, match=r"latin1.env:2: not UTF-8 text \(byte 0xe9\)"):
        load_environment(path, base={})


def test_a_written_env_file_reads_back_the_same_values_and_only_its_owner_may_read_it(
    tmp_path: Path,
) -> None:
    env = {
        "PLAIN": "value",
        "QUOTES": "say \"hi\" and 'bye'",
        "BACKSLASHES": "C:\\path\\to\\",
        "DOLLAR_AND_HASH": "$HOME #not-a-comment `tick`",
        "EMPTY": "",
    }
    path = tmp_path / "stack.env"
    path.write_text("OLD=1\n")
    path.chmod(0o644)

    write_env_file(path, env)

    assert read_env_file(path) == env
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_value_with_a_line_break_is_refused_naming_the_variable(tmp_path: Path) -> None:
    with pytest.raises(EnvFileError, match="MULTI: a value cannot span lines"):
        write_env_file(tmp_path / "x.env", {"MULTI": "one\ntwo"})
