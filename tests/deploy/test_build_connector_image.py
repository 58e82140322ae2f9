"""deploy/build_connector_image.py: the Dockerfile it renders, the staged context (no secrets),
and the docker calls it makes, through a stand-in `docker` on PATH."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "deploy" / "build_connector_image.py"

# records each call; `build` also snapshots the Dockerfile and the context's file list
FAKE_DOCKER = r"""#!/usr/bin/env bash
printf '%s\n' "$*" >> "$FAKE_LOG"
case "$1" in
  version) [[ -n "${FAKE_NO_DAEMON:-}" ]] && exit 1; echo "28.2.2" ;;
  build)
    while (($#)); do
      case "$1" in --file) cp "$2" "$FAKE_DIR/Dockerfile"; shift ;; esac
      last="$1"; shift
    done
    (cd "$last" && find . -type f | sort) > "$FAKE_DIR/context.txt" ;;
  run) cat "$FAKE_SPEC" ;;
  push) exit 0 ;;
esac
"""


def _run(*args: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return done.returncode, json.loads(done.stdout)


def _metadata(connector: str) -> dict[str, Any]:
    path = REPO / "connectors" / f"source-{connector}" / "metadata.yaml"
    return yaml.safe_load(path.read_text())["data"]


def _spec_line(connector: str, drop: str | None = None) -> str:
    manifest = yaml.safe_load(
        (REPO / "connectors" / f"source-{connector}" / "manifest.yaml").read_text()
    )
    spec = dict(manifest["spec"]["connection_specification"])
    properties = dict(spec.get("properties") or {})
    if drop:
        properties.pop(drop)
    spec["properties"] = properties
    log = {"type": "LOG", "log": {"level": "INFO", "message": "starting"}}
    message = {"type": "SPEC", "spec": {"connectionSpecification": spec}}
    return json.dumps(log) + "\n" + json.dumps(message) + "\n"


@pytest.fixture
def fake_docker(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    docker = bin_dir / "docker"
    docker.write_text(FAKE_DOCKER)
    docker.chmod(0o755)
    spec = tmp_path / "spec.jsonl"
    spec.write_text(_spec_line("linkedin-ads"))
    return {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "FAKE_LOG": str(tmp_path / "docker.log"),
        "FAKE_DIR": str(tmp_path),
        "FAKE_SPEC": str(spec),
    }


@pytest.mark.parametrize("connector", ["linkedin-ads", "tiktok-ads"])
def test_dry_run_renders_airbytes_manifest_only_layout(connector: str) -> None:
    code, doc = _run(connector, "--dry-run")
    data = _metadata(connector)

    assert code == 0 and doc["ok"] is True
    image = f"{data['dockerRepository']}:{data['dockerImageTag']}"
    assert doc["image"] == image
    lines = doc["dockerfile"].splitlines()
    assert lines[1:6] == [
        f"FROM {data['connectorBuildOptions']['baseImage']}",
        "WORKDIR /airbyte/integration_code",
        "COPY . ./",
        "COPY manifest.yaml ./source_declarative_manifest/manifest.yaml",
        "COPY components.py ./source_declarative_manifest/components.py",
    ]
    assert doc["commands"][0].startswith("docker build --file ")
    assert f"--tag {image} " in doc["commands"][0]
    assert doc["commands"][1] == f"docker run --rm {image} spec"
    assert {"manifest.yaml", "components.py", "metadata.yaml"} <= set(doc["context_files"])


ALLOWED = ["README.md", "components.py", "icon.svg", "manifest.yaml", "metadata.yaml"]


def test_the_build_context_holds_only_the_allow_listed_files(tmp_path: Path) -> None:
    folder = tmp_path / "source-linkedin-ads"
    shutil.copytree(REPO / "connectors" / "source-linkedin-ads", folder)
    planted = {
        "secrets/config.json": '{"access_token": "real"}',
        ".env": "AIRBYTE_LINKEDIN_ACCESS_TOKEN=real\n",
        "__pycache__/components.cpython-311.pyc": "\0",
        "unit_tests/test_planted.py": "def test_x(): pass\n",
        "integration_tests/secret_config.json": '{"access_token": "real"}',
        "notes.txt": "local notes\n",
    }
    for name, text in planted.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)

    code, doc = _run(str(folder), "--dry-run", "--stage-dir", str(tmp_path / "stage"))

    assert code == 0
    assert doc["context_files"] == ALLOWED
    staged = tmp_path / "stage" / "context"
    assert sorted(str(p.relative_to(staged)) for p in staged.rglob("*")) == ALLOWED
    for name in ALLOWED:
        assert (staged / name).read_bytes() == (folder / name).read_bytes()
    # the kept stage matches the printed command, so a dry run can be built by hand
    assert (tmp_path / "stage" / "Dockerfile").read_text() == doc["dockerfile"]
    assert f"{staged}" in doc["commands"][0]


def test_a_connector_without_components_or_icon_stages_what_it_has(tmp_path: Path) -> None:
    folder = tmp_path / "source-plain"
    shutil.copytree(REPO / "connectors" / "source-tiktok-ads", folder)
    (folder / "components.py").unlink()
    (folder / "icon.svg").unlink()

    code, doc = _run(str(folder), "--dry-run")

    assert code == 0
    assert doc["context_files"] == ["README.md", "manifest.yaml", "metadata.yaml"]
    assert "components.py" not in doc["dockerfile"]


def test_a_build_runs_docker_and_checks_the_images_spec(
    tmp_path: Path, fake_docker: dict[str, str]
) -> None:
    code, doc = _run(
        "linkedin-ads",
        "--tag",
        "dev",
        "--repository",
        "registry.local/li",
        "--push",
        env=fake_docker,
    )

    assert code == 0, doc
    calls = Path(fake_docker["FAKE_LOG"]).read_text().splitlines()
    assert [c.split()[0] for c in calls] == ["version", "build", "run", "push"]
    assert calls[2] == "run --rm registry.local/li:dev spec"
    assert calls[3] == "push registry.local/li:dev"
    assert (tmp_path / "Dockerfile").read_text() == doc["dockerfile"]
    context = (tmp_path / "context.txt").read_text().split()
    assert context == [f"./{name}" for name in ALLOWED]


def test_an_image_whose_spec_differs_from_the_manifest_fails(
    tmp_path: Path, fake_docker: dict[str, str]
) -> None:
    Path(fake_docker["FAKE_SPEC"]).write_text(_spec_line("linkedin-ads", drop="start_date"))
    code, doc = _run("linkedin-ads", env=fake_docker)
    assert code == 1 and "answered spec with properties" in doc["error"]
    assert "push" not in Path(fake_docker["FAKE_LOG"]).read_text()


def test_without_a_docker_daemon_the_build_says_so(fake_docker: dict[str, str]) -> None:
    code, doc = _run("tiktok-ads", env={**fake_docker, "FAKE_NO_DAEMON": "1"})
    assert code == 1 and "no Docker daemon" in doc["error"] and "--dry-run" in doc["error"]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["facebook-marketing", "--dry-run"], "unknown connector 'facebook-marketing'"),
        (["linkedin-ads", "--dry-run", "--stage-dir", str(REPO / "connectors")], "is not empty"),
    ],
)
def test_usage_problems_exit_2(argv: list[str], needle: str) -> None:
    code, doc = _run(*argv)
    assert code == 2 and needle in doc["error"]


def test_a_connector_that_is_not_manifest_only_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "source-python-thing"
    shutil.copytree(REPO / "connectors" / "source-tiktok-ads", folder)
    metadata = yaml.safe_load((folder / "metadata.yaml").read_text())
    metadata["data"]["tags"] = ["language:python"]
    (folder / "metadata.yaml").write_text(yaml.safe_dump(metadata))
    code, doc = _run(str(folder), "--dry-run")
    assert code == 2 and "language:manifest-only" in doc["error"]
