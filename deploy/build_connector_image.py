#!/usr/bin/env python3
"""Build a connector's manifest-only Docker image the way Airbyte builds its own.

Layout (Airbyte's manifest-only connectors): ``FROM`` the ``connectorBuildOptions.baseImage`` of
``metadata.yaml`` (``airbyte/source-declarative-manifest``), the connector folder copied to
``/airbyte/integration_code``, and ``manifest.yaml`` + ``components.py`` copied again into
``source_declarative_manifest/``: finding a manifest there, the base image's entrypoint serves
spec/check/discover/read from it (local-manifest mode, components trusted). Tagged
``<dockerRepository>:<dockerImageTag>``. After the build, ``docker run --rm <image> spec`` must
print the manifest's own spec, or the build is reported as failed.

The build context is an allow-list, not the folder: only ``CONTEXT_FILES`` (manifest, components,
metadata, icon, README) are staged, so tests, configs, ``secrets/`` and anything else a developer
leaves in the folder never enter an image layer.

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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "scripts"))
import _bootstrap  # noqa: E402

_bootstrap.ensure_runtime()

from airbyte_provisioning.connectors.folder import (  # noqa: E402
    ConnectorFolder,
    ConnectorFolderError,
    connector,
)
from airbyte_provisioning.core.paths import CONNECTORS_DIR  # noqa: E402

INTEGRATION_CODE = "/airbyte/integration_code"
# the only files of a connector folder an image receives (those present are staged); everything
# else (tests, sample configs, secrets/, caches) stays out, whatever its name
CONTEXT_FILES = ("manifest.yaml", "components.py", "metadata.yaml", "icon.svg", "README.md")
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
    try:
        return connector(name, CONNECTORS_DIR).path
    except ConnectorFolderError as exc:
        raise BuildError(str(exc), usage=True) from None


def plan_image(folder: Path, tag: str | None = None, repository: str | None = None) -> ImagePlan:
    """What to build, read through the one connector-folder model; every refusal names the
    file and field."""
    model = ConnectorFolder(folder)
    try:
        return _plan(model, tag, repository)
    except ConnectorFolderError as exc:
        raise BuildError(str(exc), usage=True) from None


def _plan(model: ConnectorFolder, tag: str | None, repository: str | None) -> ImagePlan:
    if not model.is_manifest_only:
        raise BuildError(
            f"{model.metadata_path}: data.tags lacks language:manifest-only; this script "
            "only builds manifest-only connectors",
            usage=True,
        )
    base = model.base_image
    if "source-declarative-manifest" not in base:
        raise BuildError(
            f"{model.metadata_path}: baseImage {base!r} is not airbyte/source-declarative-"
            "manifest; manifest-only images need its entrypoint",
            usage=True,
        )
    image_repository = repository or model.metadata_field("dockerRepository")
    image_tag = tag or model.metadata_field("dockerImageTag")
    connection_spec = model.spec["connection_specification"]
    return ImagePlan(
        connector=model.name,
        folder=model.path,
        base_image=base,
        image=f"{image_repository}:{image_tag}",
        has_components=model.components_path is not None,
        spec_properties=tuple(sorted((connection_spec.get("properties") or {}).keys())),
    )


def stage_context(plan: ImagePlan, target: Path) -> list[str]:
    """Copy the connector's ``CONTEXT_FILES`` into ``target``; the staged names, sorted."""
    target.mkdir(parents=True)
    staged = [name for name in CONTEXT_FILES if (plan.folder / name).is_file()]
    for name in staged:
        shutil.copyfile(plan.folder / name, target / name)
    return sorted(staged)


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
