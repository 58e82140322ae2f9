"""Reading ``KEY=value`` env files the way docker compose and ``bash`` agree on.

Supported: comments, blank lines, an optional ``export`` prefix, single- or double-quoted values
(double quotes understand ``\\"`` and ``\\\\``), and unquoted values with a trailing `` # comment``.
Variable interpolation is deliberately not performed: a ``$`` is kept as written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")


class EnvFileError(ValueError):
    """An env file that cannot be parsed; the message names the file and line."""


@dataclass(frozen=True)
class EnvEntry:
    name: str
    value: str
    line: int


def parse_env_lines(text: str, source: str = "<env>") -> list[EnvEntry]:
    entries: list[EnvEntry] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _LINE.match(raw)
        if not match:
            raise EnvFileError(_malformed_line(stripped, source, number))
        name, rest = match.group(1), match.group(2).strip()
        entries.append(EnvEntry(name, _unquote(rest, f"{source}:{number}: {name}"), number))
    return entries


_LEADING_NAME = re.compile(r"(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(\S?)")
# what a variable name looks like (UPPER_SNAKE with an underscore); any other leading word may be
# a bare secret pasted on its own line, so it is not echoed either
_SHOWABLE_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")


def _malformed_line(stripped: str, source: str, number: int) -> str:
    """Why a line is not ``NAME=value``, quoting at most the variable name.

    The rest of the line may be a secret written the wrong way (``TOKEN: value``), so no byte
    after the name is ever echoed, and the leading word only when it looks like a variable name.
    """
    leading = _LEADING_NAME.match(stripped)
    if leading and _SHOWABLE_NAME.fullmatch(leading.group(1)):
        name, follower = leading.group(1), leading.group(2)
        if follower:
            return (
                f"{source}:{number}: expected NAME=value, but {name} is followed by "
                f"{follower!r}; write {name}=value"
            )
        return f"{source}:{number}: expected NAME=value, but {name} has no '='"
    return (
        f"{source}:{number}: expected NAME=value (a name of letters, digits and _, then '='); "
        "the line is not shown: it may hold a secret"
    )


def _unquote(rest: str, where: str) -> str:
    """The value after ``NAME=``; ``where`` (``FILE:LINE: NAME``) starts every error."""
    if rest[:1] in {'"', "'"}:
        quote = rest[0]
        out: list[str] = []
        i = 1
        while i < len(rest):
            ch = rest[i]
            if quote == '"' and ch == "\\" and i + 1 < len(rest) and rest[i + 1] in '"\\$`':
                out.append(rest[i + 1])
                i += 2
                continue
            if ch == quote:
                tail = rest[i + 1 :].strip()
                if tail and not tail.startswith("#"):
                    raise EnvFileError(
                        f"{where}: unexpected text after the closing quote; quote the whole value"
                    )
                return "".join(out)
            out.append(ch)
            i += 1
        raise EnvFileError(
            f"{where}: the value's {quote} quote is never closed on its line; close it "
            "(values cannot span lines)"
        )
    # unquoted: an inline comment starts at " #"
    return re.split(r"\s+#", rest, maxsplit=1)[0].strip()


def read_env_file(path: str | Path) -> dict[str, str]:
    """The variables of an env file; later lines win, like ``docker compose``."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise EnvFileError(f"cannot read env file {file}: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise EnvFileError(
            f"{file}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the env file "
            "as UTF-8"
        ) from None
    return {e.name: e.value for e in parse_env_lines(text, str(file))}


def write_env_file(path: Path, env: Mapping[str, str]) -> Path:
    """Write ``env`` so :func:`read_env_file` gives it back: every value double-quoted, with
    ``\\`` and ``"`` escaped; readable by its owner only, since it holds secrets.

    ``{"A": 'say "hi"'}`` -> the line ``A="say \\"hi\\""``.
    """
    lines = []
    for name, value in env.items():
        if "\n" in value or "\r" in value:
            raise EnvFileError(
                f"{name}: a value cannot span lines in an env file; remove the line break"
            )
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'{name}="{escaped}"\n')
    # created owner-only, and narrowed when it already existed
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("".join(lines))
    return path


def load_environment(
    env_file: str | Path | None = None, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The process environment, overlaid by ``env_file`` when one is given.

    The file wins over the process environment for the names it sets, so ``--env-file`` is a
    complete, reproducible description of what a command sees for those names.
    """
    env = dict(os.environ if base is None else base)
    if env_file is not None:
        env.update(read_env_file(env_file))
    return env
