#!/usr/bin/env python3
"""Build a connector's manifest-only Docker image the way Airbyte builds its own.

Layout (Airbyte's manifest-only connectors): ``FROM`` the ``connectorBuildOptions.baseImage`` of
``metadata.yaml`` (``airbyte/source-declarative-manifest``), the connector folder copied to
``/airbyte/integration_code``, and ``manifest.yaml`` + ``components.py`` copied again into
``source_declarative_manifest/``: finding a manifest there, the base image's entrypoint serves
spec/check/discover/read from it (local-manifest mode, components trusted). Tagged
``<dockerRepository>:<dockerImageTag>``. After the build, ``docker run --rm <image> spec`` must
print the manifest's own spec, or the build is reported as failed.

The build context is a staged copy of the folder without ``secrets/``, ``.env*``, caches and
virtualenvs, so credentials never enter an image layer.

usage: build_connector_image.py CONNECTOR [--tag TAG] [--repository REPO] [--platform P]
                                [--push] [--no-verify] [--stage-dir DIR] [--dry-run]
Prints one JSON document; exit 0 built (or dry run), 1 docker failed, 2 usage.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "scripts"))
import _bootstrap  # noqa: E402

_bootstrap.ensure_runtime()

import yaml  # noqa: E402

CONNECTORS_DIR = REPO_ROOT / "connectors"
INTEGRATION_CODE = "/airbyte/integration_code"
# never copied into an image: credentials and local clutter
EXCLUDED = ("secrets", ".env", ".env.*", "__pycache__", "*.pyc", ".pytest_cache", ".venv", ".git")
ABCTL_CLUSTER = "airbyte-abctl"


class BuildError(Exception):
    """A problem the user can fix; ``usage`` problems exit 2, docker failures exit 1."""

    def __init__(self, message: str, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


@dataclass(frozen=True)
class ImagePlan:
    connector: str
    folder: Path
    base_image: str
    image: str
    has_components: bool
    spec_properties: tuple[str, ...]

    def dockerfile(self) -> str:
        lines = [
            f"# {self.connector}: manifest-only connector image (Airbyte's layout)",
            f"FROM {self.base_image}",
            f"WORKDIR {INTEGRATION_CODE}",
            "COPY . ./",
            "COPY manifest.yaml ./source_declarative_manifest/manifest.yaml",
        ]
        if self.has_components:
            lines.append("COPY components.py ./source_declarative_manifest/components.py")
        repository, tag = self.image.rsplit(":", 1)
        lines.append(f'LABEL io.airbyte.name="{repository}" io.airbyte.version="{tag}"')
        return "\n".join(lines) + "\n"


def resolve_connector(name: str) -> Path:
    """``linkedin-ads``, ``source-linkedin-ads`` or a folder path -> the connector folder."""
    for candidate in (Path(name), CONNECTORS_DIR / name, CONNECTORS_DIR / f"source-{name}"):
        if (candidate / "metadata.yaml").is_file():
            return candidate.resolve()
    known = sorted(p.parent.name for p in CONNECTORS_DIR.glob("source-*/metadata.yaml"))
    raise BuildError(f"unknown connector {name!r}; known: {', '.join(known)}", usage=True)


def _load(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise BuildError(f"cannot read {path}: {exc}", usage=True) from None


def plan_image(folder: Path, tag: str | None = None, repository: str | None = None) -> ImagePlan:
    metadata = _load(folder / "metadata.yaml")
    data = metadata.get("data") if isinstance(metadata, Mapping) else None
    if not isinstance(data, Mapping):
        raise BuildError(f"{folder / 'metadata.yaml'} has no `data:` mapping", usage=True)
    if "language:manifest-only" not in (data.get("tags") or []):
        raise BuildError(
            f"{folder / 'metadata.yaml'}: data.tags lacks language:manifest-only; this script "
            "only builds manifest-only connectors",
            usage=True,
        )
    base = (data.get("connectorBuildOptions") or {}).get("baseImage")
    missing = [
        key
        for key, value in (
            ("connectorBuildOptions.baseImage", base),
            ("dockerRepository", repository or data.get("dockerRepository")),
            ("dockerImageTag", tag or data.get("dockerImageTag")),
        )
        if not str(value or "").strip()
    ]
    if missing:
        raise BuildError(f"{folder / 'metadata.yaml'}: data.{missing[0]} is not set", usage=True)
    if "source-declarative-manifest" not in str(base):
        raise BuildError(
            f"{folder / 'metadata.yaml'}: baseImage {base!r} is not airbyte/source-declarative-"
            "manifest; manifest-only images need its entrypoint",
            usage=True,
        )
    manifest = _load(folder / "manifest.yaml")
    spec = manifest.get("spec") if isinstance(manifest, Mapping) else None
    connection_spec = spec.get("connection_specification") if isinstance(spec, Mapping) else None
    if not isinstance(connection_spec, Mapping):
        raise BuildError(
            f"{folder / 'manifest.yaml'}: spec.connection_specification is missing", usage=True
        )
    return ImagePlan(
        connector=folder.name,
        folder=folder,
        base_image=str(base).strip(),
        image=f"{repository or data['dockerRepository']}:{tag or data['dockerImageTag']}",
        has_components=(folder / "components.py").is_file(),
        spec_properties=tuple(sorted((connection_spec.get("properties") or {}).keys())),
    )


def stage_context(plan: ImagePlan, target: Path) -> list[str]:
    """Copy the connector into ``target`` without excluded paths; the copied files, relative."""
    shutil.copytree(plan.folder, target, ignore=shutil.ignore_patterns(*EXCLUDED))
    return sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())


def docker_commands(
    plan: ImagePlan, dockerfile: Path, context: Path, platform: str | None, push: bool, verify: bool
) -> list[list[str]]:
    build = ["docker", "build", "--file", str(dockerfile), "--tag", plan.image]
    if platform:
        build += ["--platform", platform]
    commands = [[*build, str(context)]]
    if verify:
        commands.append(["docker", "run", "--rm", plan.image, "spec"])
    if push:
        commands.append(["docker", "push", plan.image])
    return commands


def check_spec(plan: ImagePlan, output: str) -> None:
    """The image must answer ``spec`` with the manifest's own connection specification."""
    for line in output.splitlines():
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if isinstance(message, dict) and message.get("type") == "SPEC":
            spec = message.get("spec", {}).get("connectionSpecification", {})
            found = tuple(sorted((spec.get("properties") or {}).keys()))
            if found != plan.spec_properties:
                raise BuildError(
                    f"{plan.image} answered spec with properties {list(found)}, expected the "
                    f"manifest's {list(plan.spec_properties)}: the image does not run this "
                    "connector's manifest (is the base image a source-declarative-manifest?)"
                )
            return
    raise BuildError(f"`docker run --rm {plan.image} spec` printed no SPEC message")


def _docker_available() -> None:
    if shutil.which("docker") is None:
        raise BuildError("docker is not installed: install Docker, or use --dry-run")
    probe = subprocess.run(
        ["docker", "version", "--format", "{{.Server.Version}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0 or not probe.stdout.strip():
        raise BuildError(
            "no Docker daemon answers (`docker version` has no server): start Docker, or use "
            "--dry-run to see the Dockerfile and commands"
        )


def run_build(plan: ImagePlan, commands: Sequence[list[str]]) -> None:
    _docker_available()
    for command in commands:
        verb = command[1]
        if verb == "run":
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            sys.stderr.write(done.stderr)
            if done.returncode != 0:
                raise BuildError(f"`{' '.join(command)}` failed with exit code {done.returncode}")
            check_spec(plan, done.stdout)
            continue
        # docker's progress goes to stderr: stdout carries only this script's JSON
        code = subprocess.run(command, stdout=sys.stderr, check=False).returncode
        if code != 0:
            raise BuildError(f"`docker {verb}` failed with exit code {code} (output above)")


@contextmanager
def _stage_root(stage_dir: str | None) -> Iterator[Path]:
    """A temporary folder, or ``stage_dir`` kept for the user (a dry run then stays runnable)."""
    if stage_dir is None:
        with tempfile.TemporaryDirectory(prefix="connector-image-") as tmp:
            yield Path(tmp)
        return
    root = Path(stage_dir)
    if root.exists() and any(root.iterdir()):
        raise BuildError(f"--stage-dir {root} is not empty: pass a new folder", usage=True)
    root.mkdir(parents=True, exist_ok=True)
    yield root.resolve()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build_connector_image.py",
        description="Build a manifest-only connector image on airbyte/source-declarative-manifest.",
    )
    parser.add_argument("connector", help="linkedin-ads, tiktok-ads, or a connector folder")
    parser.add_argument("--tag", help="image tag (default: metadata.yaml dockerImageTag)")
    parser.add_argument(
        "--repository", help="image repository (default: metadata.yaml dockerRepository)"
    )
    parser.add_argument(
        "--stage-dir",
        help="write the Dockerfile and build context here and keep them (must not exist yet)",
    )
    parser.add_argument("--platform", help="target platform, e.g. linux/amd64")
    parser.add_argument("--push", action="store_true", help="docker push the image after the build")
    parser.add_argument(
        "--no-verify", action="store_true", help="skip the `docker run <image> spec` check"
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the Dockerfile, staged files and docker commands; run nothing",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code not in (0, None) else 0
    document: dict[str, Any] = {"ok": False, "dry_run": args.dry_run}
    try:
        plan = plan_image(resolve_connector(args.connector), args.tag, args.repository)
        with _stage_root(args.stage_dir) as root:
            dockerfile, context = root / "Dockerfile", root / "context"
            dockerfile.write_text(plan.dockerfile())
            files = stage_context(plan, context)
            commands = docker_commands(
                plan, dockerfile, context, args.platform, args.push, not args.no_verify
            )
            document.update(
                connector=plan.connector,
                image=plan.image,
                base_image=plan.base_image,
                dockerfile=plan.dockerfile(),
                context_files=files,
                commands=[" ".join(c) for c in commands],
            )
            if not args.dry_run:
                run_build(plan, commands)
        document["ok"] = True
        document["next_steps"] = [
            f"abctl/kind: kind load docker-image {plan.image} --name {ABCTL_CLUSTER}",
            "or push to a registry the cluster can pull from (--push)",
            "then Settings > Sources > New connector > Add a new Docker connector, "
            f"image {plan.image.rsplit(':', 1)[0]}, tag {plan.image.rsplit(':', 1)[1]}",
        ]
    except BuildError as exc:
        document["error"] = str(exc)
        print(json.dumps(document, indent=2))
        return 2 if exc.usage else 1
    print(json.dumps(document, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
