"""The one start-up path of every command: what happens before and after its own work.

:func:`run` parses the arguments (every parser comes from :func:`command_parser`, which adds
``--env-file``), reads the environment with the env file over it, routes logs to stderr as JSON
lines with the environment's secrets scrubbed, then calls the command's body with an
:class:`Invocation`. The body fills ``invocation.document`` and returns an exit code; :func:`run`
prints that document, so a command prints exactly one JSON document on stdout whatever happens:

* a usage error (bad option, variable, env file or input file): the body, or the parser, raises
  :class:`UsageError`; the answer is ``ok: false`` with ``error`` and ``problems`` naming the
  option or variable, exit 2;
* a stop (Airbyte unreachable, a resource the command needs is missing): the body raises
  :class:`Abort`; the answer is what the document held so far plus ``ok: false``, ``error`` and
  ``problems``, exit 1.

``--help`` prints the parser's help and exits 0 with no JSON. The Airbyte client comes from
:func:`make_client` (``invocation.client()``), which also adds the client's credentials to the
secrets scrubbed from the answer.

In a problem, ``variable`` names what the operator fixes: an environment variable
(``AIRBYTE_BASE_URL``) or a command-line option (``--concurrency``).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn, Protocol

import requests

from airbyte_provisioning.api import (
    AirbyteAuthError,
    AirbyteClient,
    AirbyteConfigError,
    AirbyteUnreachableError,
    normalize_base_url,
)
from airbyte_provisioning.core import logs
from airbyte_provisioning.core.envfile import EnvFileError, load_environment
from airbyte_provisioning.core.output import ExitCode, emit_json
from airbyte_provisioning.core.paths import ENV_EXAMPLE
from airbyte_provisioning.core.problems import Problem
from airbyte_provisioning.core.redact import secret_values
from airbyte_provisioning.core.types import JsonDict

PROG = "airbyte-stack"


class Reportable(Protocol):
    """Anything a command lists under ``problems``."""

    def as_dict(self) -> dict[str, Any]: ...


class CommandError(Exception):
    """Base of the two ways a command stops early; ``variable`` names what to fix."""

    exit_code = ExitCode.PROBLEMS
    code = "aborted"

    def __init__(
        self, message: str, variable: str | None = None, problems: Sequence[Reportable] = ()
    ) -> None:
        super().__init__(message)
        self.message = message
        self.variable = variable
        self.problems = tuple(problems)

    def report(self) -> list[dict[str, Any]]:
        """The ``problems`` of the answer: the given ones, else one built from the message."""
        if self.problems:
            return [p.as_dict() for p in self.problems]
        return [Problem(self.message, code=self.code, variable=self.variable).as_dict()]


class UsageError(CommandError, ValueError):
    """Bad options, variables or input files: nothing was attempted (exit 2)."""

    exit_code = ExitCode.USAGE
    code = "usage"

    def __init__(
        self,
        message: str,
        variable: str | None = None,
        problems: Sequence[Reportable] = (),
        usage: str | None = None,
    ) -> None:
        super().__init__(message, variable, problems)
        self.usage = usage


class Abort(CommandError):
    """The command cannot go on (exit 1); what it did so far stays in its answer."""


class CommandParser(argparse.ArgumentParser):
    """An argument parser whose errors become :class:`UsageError` (so they reach the JSON answer)
    instead of argparse's text on stderr and ``SystemExit(2)``."""

    def __init__(self, name: str, **kwargs: Any) -> None:
        super().__init__(prog=f"{PROG} {name}", **kwargs)
        self.command_name = name

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, _option_in(message), usage=self.format_usage().strip())


def _option_in(message: str) -> str | None:
    """The option an argparse message is about (``argument --jobs: invalid int value``)."""
    match = re.search(r"(?:argument |arguments are required: |arguments: )([^\s:,/]+)", message)
    return match.group(1) if match else None


def command_parser(name: str, doc: str | None, *, env_file: bool = True) -> CommandParser:
    """The parser of command ``name``, described by the first line of its module docstring;
    with ``--env-file`` unless the command reads no environment."""
    parser = CommandParser(name, description=doc.splitlines()[0] if doc else None)
    if env_file:
        parser.add_argument(
            "--env-file", help="read variables from this file (over the process environment)"
        )
    return parser


def make_client(env: Mapping[str, str], concurrency: int = 1) -> AirbyteClient:
    """The Airbyte client of every command, its connection pool sized for ``concurrency`` threads.

    Proxy and CA settings are read from the process environment once: requests would otherwise
    scan the whole environment on every call, which costs milliseconds per call when thousands of
    tenant variables are exported. Raises ``AirbyteConfigError`` naming the variable.
    """
    api_url = normalize_base_url(env.get("AIRBYTE_BASE_URL"))
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_maxsize=concurrency + 2)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.trust_env = False
    session.proxies = requests.utils.get_environ_proxies(api_url)
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    return AirbyteClient.from_env(env, session=session)


@dataclass
class Invocation:
    """One run of a command: its name, options, environment and the answer being built."""

    name: str
    args: argparse.Namespace
    env: dict[str, str]
    secrets: set[str]
    verdict: str = "ok"
    document: JsonDict = field(default_factory=dict)
    clients: list[AirbyteClient] = field(default_factory=list)

    def client(self, concurrency: int = 1) -> AirbyteClient:
        """The Airbyte client; settings it cannot be built from are a usage error naming the
        variable (``AIRBYTE_BASE_URL`` unset or not a URL, half the client credentials)."""
        try:
            client = make_client(self.env, concurrency)
        except AirbyteConfigError as exc:
            named = re.search(r"AIRBYTE_[A-Z0-9_]+", str(exc))
            raise UsageError(str(exc), named.group(0) if named else "AIRBYTE_BASE_URL") from None
        self.clients.append(client)
        return client

    def credentials_refused(self, exc: AirbyteAuthError) -> UsageError:
        """Airbyte answered 401/403: the usage error that says which variables to fix."""
        header = bool((self.env.get("AIRBYTE_API_AUTH_HEADER") or "").strip())
        return UsageError(
            f"Airbyte refused the credentials ({exc}); check AIRBYTE_CLIENT_ID/"
            "AIRBYTE_CLIENT_SECRET (`abctl local credentials`) or AIRBYTE_API_AUTH_HEADER",
            "AIRBYTE_API_AUTH_HEADER" if header else "AIRBYTE_CLIENT_SECRET",
        )

    def all_secrets(self) -> set[str]:
        """The environment's secrets and every credential a client obtained (tokens)."""
        found = set(self.secrets)
        for client in self.clients:
            found.update(client.auth.secrets())
        return found

    def fail(self, error: CommandError) -> ExitCode:
        """Finish with ``error``: the answer says why, logs say so on stderr."""
        # the verdict keys lead, as in the command's normal answer; what was built so far follows
        answer: JsonDict = {self.verdict: False, "ok": False}
        answer.update(self.document)
        answer.update({self.verdict: False, "ok": False, "error": error.message})
        answer["problems"] = error.report()
        if isinstance(error, UsageError) and error.usage:
            answer["usage"] = error.usage
        event = "usage" if isinstance(error, UsageError) else "aborted"
        logs.log(logs.Level.ERROR, f"{self.name}.{event}", reason=error.message)
        self.document = answer
        return error.exit_code


Body = Callable[[Invocation], int]


def run(
    parser: CommandParser, argv: Sequence[str] | None, body: Body, *, verdict: str = "ok"
) -> int:
    """Run a command: start-up, ``body``, then its one JSON answer on stdout. ``verdict`` is the
    answer's pass/fail key (``valid``, ``healthy``...), false in usage and abort answers."""
    process_secrets = secret_values(os.environ)
    logs.configure(process_secrets)
    try:
        invocation = _start(parser, argv, verdict)
    except SystemExit as exc:  # --help
        return ExitCode.OK if exc.code in (0, None) else ExitCode.USAGE
    except UsageError as exc:
        # nothing is read yet: the answer is scrubbed of the process environment's secrets
        empty = argparse.Namespace()
        early = Invocation(parser.command_name, empty, {}, set(process_secrets), verdict)
        return _finish(early, early.fail(exc))
    try:
        code = body(invocation)
    except CommandError as exc:
        code = invocation.fail(exc)
    except AirbyteUnreachableError as exc:  # Airbyte is not there: one message, whatever the call
        code = invocation.fail(Abort(exc.message, "AIRBYTE_BASE_URL"))
    return _finish(invocation, code)


def _finish(invocation: Invocation, code: int) -> int:
    emit_json(invocation.document, invocation.all_secrets())
    return code


def _start(parser: CommandParser, argv: Sequence[str] | None, verdict: str) -> Invocation:
    args = parser.parse_args(None if argv is None else list(argv))
    env_file = getattr(args, "env_file", None)
    try:
        env = load_environment(env_file)
    except EnvFileError as exc:
        missing = env_file is not None and not Path(env_file).exists()
        hint = f"; to start one: `{_copy_example(env_file)}`, then fill it in" if missing else ""
        raise UsageError(f"--env-file: {exc}{hint}", "--env-file") from None
    secrets = secret_values(env)
    logs.configure(secrets)
    return Invocation(parser.command_name, args, env, set(secrets), verdict)


def _copy_example(env_file: str | None) -> str:
    """The command that starts ``env_file`` from env.example, with paths as the operator would
    type them from the current folder (``cp env.example .env`` in a clone)."""

    def shown(path: Path) -> str:
        try:
            return str(path.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(path)

    return f"cp {shown(ENV_EXAMPLE)} {shlex.quote(str(env_file))}"


def parse_now(text: str | None, option: str = "--now") -> datetime:
    """``--now`` as an aware datetime (UTC when no offset is given); now when absent."""
    if not text:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"{option} {text!r} is not an ISO timestamp (e.g. 2026-01-31T06:00:00Z)", option
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def whole_number(
    raw: str | None, variable: str, *, default: int, lowest: int, highest: int | None = None
) -> int:
    """An integer setting from the environment, checked against its range; errors name it."""
    text = (raw or "").strip()
    if not text:
        return default
    if not text.lstrip("-").isdigit():
        shown = text if len(text) <= 40 else f"{text[:40]}..."
        raise UsageError(f"{variable}={shown!r} is not a whole number", variable)
    return in_range(int(text), variable, lowest=lowest, highest=highest)


def existing_folder(value: str | Path, option: str) -> Path:
    """``value`` as a folder the command reads; a usage error naming ``option`` when none is there."""
    folder = Path(value)
    if not folder.is_dir():
        raise UsageError(f"{option} {folder} is not a folder; name an existing one", option)
    return folder


def option_or_env(
    value: int | None,
    option: str,
    env: Mapping[str, str],
    variable: str,
    *,
    default: int,
    lowest: int,
    highest: int | None = None,
) -> int:
    """A number the command line gives (``option``) or else the environment (``variable``), else
    ``default``; whichever is used is checked against the range and named when out of it."""
    if value is not None:
        return in_range(value, option, lowest=lowest, highest=highest)
    return whole_number(
        env.get(variable), variable, default=default, lowest=lowest, highest=highest
    )


def in_range(value: int, name: str, *, lowest: int, highest: int | None = None) -> int:
    """``value`` when ``lowest <= value <= highest``; otherwise a usage error naming ``name``."""
    if value < lowest or (highest is not None and value > highest):
        bounds = f"between {lowest} and {highest}" if highest is not None else f"at least {lowest}"
        given = f"{name} {value}" if name.startswith("-") else f"{name}={value}"
        raise UsageError(f"{given}: must be {bounds}", name)
    return value
