"""``make sandboxes``: the three local sandboxes on fixed loopback ports, until Ctrl-C or SIGTERM.

Starts the Airbyte Config API sandbox, the TikTok and the LinkedIn API sandboxes on 127.0.0.1 (ports
8000, 8765 and 8771, the ones ``docker-compose.yml`` and the connectors' sample configs use; 0
picks any free port), prints their URLs and the lines that point the scripts at them, and serves
until stopped.

The Airbyte sandbox is seeded from an env file (``env.example`` unless ``--env-file`` says
otherwise): the workspaces and destinations it names exist, and it hands bearer tokens to that
file's ``AIRBYTE_CLIENT_ID``/``AIRBYTE_CLIENT_SECRET``. Its template connections do not exist
until ``provision_meta_google_connectors.py`` creates them, so the printed lines set
``AIRBYTE_BASE_URL`` and empty the ``AIRBYTE_TEMPLATE_*_CONNECTION_ID`` ids the file holds;
provision then prints the ids to persist (README "Local sandboxes"). A secret is printed only
when it is ``env.example``'s own placeholder.

Usage errors (a port in use or out of range, an unreadable env file) print one line naming the
option on stderr and exit 2; ``--json`` prints the banner as one JSON line on stdout instead of
text (for scripts).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from airbyte_provisioning.core.envfile import EnvFileError, read_env_file
from airbyte_provisioning.core.paths import CONNECTORS_DIR, ENV_EXAMPLE, TEMPLATES_DIR
from sandboxes.base import SandboxApp, SandboxServer

# the ports docker-compose.yml publishes and the connectors' sample configs point at
DEFAULT_PORTS = {"airbyte": 8000, "tiktok": 8765, "linkedin": 8771}
TIKTOK_TOKEN = "changeme-sandbox-access-token"
# the template connections provision_meta_google_connectors.py creates
TEMPLATE_CONNECTION_IDS = (
    "AIRBYTE_TEMPLATE_META_METRICS_CONNECTION_ID",
    "AIRBYTE_TEMPLATE_GOOGLE_METRICS_CONNECTION_ID",
    "AIRBYTE_TEMPLATE_DIMENSIONS_DAILY_CONNECTION_ID",
)
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class Refused(Exception):
    """A usage error: the message names the option to fix."""


@dataclass(frozen=True)
class Started:
    """The running sandboxes: their servers and what the banner says about them."""

    servers: dict[str, SandboxServer]
    env_file: Path
    env: dict[str, str]

    def url(self, name: str) -> str:
        return self.servers[name].url

    def env_lines(self) -> list[str]:
        """The lines to put in ``.env``: where Airbyte is and the credentials it accepts."""
        example = read_env_file(ENV_EXAMPLE) if ENV_EXAMPLE.is_file() else {}
        lines = [f"AIRBYTE_BASE_URL={self.url('airbyte')}"]
        for name in ("AIRBYTE_CLIENT_ID", "AIRBYTE_CLIENT_SECRET"):
            value = self.env.get(name, "")
            public = value == example.get(name) and value.startswith("changeme")
            if name == "AIRBYTE_CLIENT_ID" or public:
                lines.append(f"{name}={value}")
            else:  # the operator's own secret: never printed
                lines.append(f"# {name}: the value in {self.env_file}")
        # the seeded ids of template connections name connections of a real install, not of this
        # sandbox: empty, so provision creates them (and prints the ids to persist)
        lines += [f"{name}=" for name in TEMPLATE_CONNECTION_IDS if self.env.get(name)]
        return lines

    def connector_settings(self) -> dict[str, dict[str, str]]:
        """What a connector config for ``make sync`` needs to read from the sandboxes."""
        linkedin = self.url("linkedin")
        return {
            "tiktok-ads": {"api_base_url": self.url("tiktok"), "access_token": TIKTOK_TOKEN},
            "linkedin-ads": {
                "api_base_url": f"{linkedin}/rest",
                "token_url": f"{linkedin}/oauth/v2/accessToken",
            },
        }

    def ready_sample_configs(self) -> dict[str, str]:
        """Connector -> its sample config, when that config already points at these ports."""
        ready = {}
        for connector, settings in self.connector_settings().items():
            sample = (
                CONNECTORS_DIR / f"source-{connector}" / "integration_tests" / "sample_config.json"
            )
            try:
                config = json.loads(sample.read_text())
            except (OSError, ValueError):
                continue
            if config.get("api_base_url") == settings["api_base_url"]:
                ready[connector] = str(sample.relative_to(CONNECTORS_DIR.parent))
        return ready

    def banner(self) -> dict[str, Any]:
        return {
            "event": "sandboxes.started",
            "urls": {
                "airbyte": self.url("airbyte"),
                "airbyte_api": f"{self.url('airbyte')}/api/v1",
                "tiktok": self.url("tiktok"),
                "linkedin": f"{self.url('linkedin')}/rest",
            },
            "seeded_from": str(self.env_file),
            "env": self.env_lines(),
            "connector_configs": self.connector_settings(),
            "sample_configs": self.ready_sample_configs(),
        }


def banner_text(started: Started) -> str:
    banner = started.banner()
    urls = banner["urls"]
    lines = [
        "Sandboxes running on loopback (Ctrl-C stops them):",
        f"  Airbyte Config API  {urls['airbyte_api']}  (seeded from {banner['seeded_from']})",
        f"  TikTok Business API {urls['tiktok']}",
        f"  LinkedIn Marketing  {urls['linkedin']}",
        "",
        "Point the scripts at them: `cp env.example .env` (once), then append these lines to",
        ".env (later lines win):",
        *(f"  {line}" for line in banner["env"]),
        "Then `make publish`, `python3 scripts/provision_meta_google_connectors.py --env-file .env`",
        "and append the AIRBYTE_TEMPLATE_*_CONNECTION_ID=... lines it prints; validate, bootstrap",
        "and health then run as README.md describes (section Local sandboxes).",
        "",
        "Connector configs for `make sync`:",
    ]
    for connector, settings in banner["connector_configs"].items():
        fields = ", ".join(f'"{k}": "{v}"' for k, v in settings.items())
        lines.append(f"  {connector}: {fields}")
    for connector, path in banner["sample_configs"].items():
        lines.append(f"  ready: make sync CONNECTOR={connector} CONFIG={path}")
    return "\n".join(lines)


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(
            f"{value} is not a port: give 1-65535, or 0 for any free one"
        )
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="make sandboxes ARGS=", description=(__doc__ or "").splitlines()[0]
    )
    for name, port in DEFAULT_PORTS.items():
        parser.add_argument(
            f"--{name}-port", type=_port, default=port, help=f"default {port}; 0: any free port"
        )
    parser.add_argument(
        "--env-file",
        type=Path,
        default=ENV_EXAMPLE,
        help="seed the Airbyte sandbox's workspaces, destinations and client credentials from "
        "this file (default: env.example)",
    )
    parser.add_argument("--json", action="store_true", help="print the banner as one JSON line")
    return parser


def _apps(env: dict[str, str]) -> dict[str, Callable[[], SandboxApp]]:
    from sandboxes.airbyte import create_app as airbyte_app
    from sandboxes.airbyte import seed_from_env
    from sandboxes.linkedin import create_app as linkedin_app
    from sandboxes.tiktok import create_app as tiktok_app

    def airbyte() -> SandboxApp:
        app = airbyte_app(
            auth="bearer",
            client_id=env.get("AIRBYTE_CLIENT_ID") or "sandbox-client-id",
            client_secret=env.get("AIRBYTE_CLIENT_SECRET") or "sandbox-client-secret",
            spec_dir=TEMPLATES_DIR / "specs",
        )
        seed_from_env(app, env)
        return app

    return {"airbyte": airbyte, "tiktok": tiktok_app, "linkedin": linkedin_app}


def start(env_file: Path, ports: dict[str, int]) -> Started:
    """Every sandbox serving; none when one cannot (a :class:`Refused` names the option)."""
    try:
        env = read_env_file(env_file)
    except EnvFileError as exc:
        raise Refused(f"--env-file: {exc}") from None
    servers: dict[str, SandboxServer] = {}
    try:
        for name, make_app in _apps(env).items():
            try:
                server = SandboxServer(make_app(), port=ports[name])
            except OSError as exc:
                raise Refused(
                    f"--{name}-port {ports[name]}: cannot listen on 127.0.0.1:{ports[name]} "
                    f"({exc.strerror}); stop what uses it (another `make sandboxes`, the compose "
                    f"sandboxes, a local Airbyte) or pass --{name}-port 0 for any free port"
                ) from None
            servers[name] = server.start()
    except BaseException:
        for running in servers.values():
            running.stop()
        raise
    return Started(servers, env_file, env)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    ports = {name: getattr(args, f"{name}_port") for name in DEFAULT_PORTS}
    # a process-directed signal may land on any thread that does not block it: block the stop
    # signals before the server threads start (they inherit the mask), take them with sigwait
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        started = start(args.env_file, ports)
    except Refused as exc:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        print(f"[sandboxes] {exc}", file=sys.stderr)
        return 2
    try:
        print(json.dumps(started.banner()) if args.json else banner_text(started), flush=True)
        received = signal.sigwait(STOP_SIGNALS)
        print(f"[sandboxes] {signal.Signals(received).name}: stopping", file=sys.stderr)
    finally:
        for server in started.servers.values():
            server.stop()
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
