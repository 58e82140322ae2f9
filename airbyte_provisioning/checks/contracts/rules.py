"""The contract rules: each a pure function from the repository (and options) to findings.

* ``contract-schema``: contracts are well formed; the unified mapping names real columns.
* ``templates``: every source template renders with env.example and validates against its spec.
* ``gaql``: packaged and configured GAQL is accepted by the official Google Ads connector.
* ``query-aliases``: the columns each GAQL query, insights field list, report definition or connector
  stream schema produces equal its contract, and the template connection selects the stream.
* ``seed-headers``: the dbt seeds the contracts name have the contracted header and rows.
* ``dbt``: with a dbt project, source/model column references and the enable_* variables.
* ``records``: actual records against the contract (types, nullability, primary-key uniqueness).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from airbyte_provisioning.checks.contracts.repo import Finding, Repo, line_of
from airbyte_provisioning.core.envfile import EnvFileError, parse_env_lines
from airbyte_provisioning.templates import gaql, source_templates

TYPES = {"string", "integer", "number", "boolean", "date", "array", "object"}
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
SOURCE_KINDS = {
    "meta_custom_insight",
    "google_ads_custom_query",
    "ga4_custom_report",
    "search_console_custom_report",
    "manifest_stream",
}


def _columns(contract: Mapping[str, Any]) -> list[str]:
    return [str(c.get("name")) for c in contract.get("columns") or () if isinstance(c, Mapping)]


def stream_contracts(repo: Repo) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for name, (rel, doc) in sorted(repo.contracts.items()):
        if doc.get("kind", "stream") == "stream":
            yield name, rel, doc


# --- contract-schema ------------------------------------------------------------------------------


def check_contract_schema(repo: Repo) -> list[Finding]:
    findings: list[Finding] = []
    for name, (rel, doc) in sorted(repo.contracts.items()):
        text = repo.text(rel) or ""

        def add(needle: str, message: str, rel: str = rel, text: str = text) -> None:
            findings.append(Finding(rel, line_of(text, needle), "contract-schema", message))

        columns = _columns(doc)
        if not columns:
            add("columns", f"contract {name} lists no columns")
        for column in doc.get("columns") or ():
            if column.get("type") not in TYPES:
                add(
                    f"name: {column.get('name')}",
                    f"column {column.get('name')}: type must be one of {sorted(TYPES)}",
                )
            if not isinstance(column.get("nullable"), bool):
                add(
                    f"name: {column.get('name')}",
                    f"column {column.get('name')}: nullable must be true or false",
                )
        for key in [
            *(doc.get("primary_key") or ()),
            *([doc["cursor_field"]] if doc.get("cursor_field") else []),
        ]:
            if key not in columns:
                add(str(key), f"primary key / cursor column {key} is not a column of {name}")
        if doc.get("kind", "stream") == "stream":
            kind = (doc.get("produced_by") or {}).get("kind")
            if kind not in SOURCE_KINDS:
                add("produced_by", f"produced_by.kind must be one of {sorted(SOURCE_KINDS)}")
            for key in ("template", "stream", "platform"):
                if not doc.get(key):
                    add(key, f"contract {name} has no {key}")
        for platform, mapping in (doc.get("mappings") or {}).items():
            findings.extend(
                _check_mapping(repo, rel, text, name, columns, str(platform), mapping or {})
            )
    return findings


def _platform_contract(repo: Repo, platform: str) -> dict[str, Any] | None:
    for _, _, doc in stream_contracts(repo):
        if (
            doc.get("platform") == platform
            and doc.get("produced_by", {}).get("kind") != "ga4_custom_report"
        ):
            return doc
    return None


def _check_mapping(
    repo: Repo,
    rel: str,
    text: str,
    name: str,
    columns: list[str],
    platform: str,
    mapping: Mapping[str, Any],
) -> list[Finding]:
    findings: list[Finding] = []
    line = line_of(text, f"  {platform}:")
    source = _platform_contract(repo, platform)
    if source is None:
        return [
            Finding(
                rel, line, "contract-schema", f"{name}: no stream contract for platform {platform}"
            )
        ]
    missing = [c for c in columns if c not in mapping]
    extra = [c for c in mapping if c not in columns]
    if missing:
        findings.append(
            Finding(
                rel,
                line,
                "contract-schema",
                f"{name}.{platform} maps no value for {', '.join(missing)}",
            )
        )
    if extra:
        findings.append(
            Finding(
                rel,
                line,
                "contract-schema",
                f"{name}.{platform} maps unknown columns {', '.join(extra)}",
            )
        )
    available = set(_columns(source))
    for column, rule in mapping.items():
        origin = (rule or {}).get("from")
        if origin is not None and origin not in available:
            findings.append(
                Finding(
                    rel,
                    line_of(text, f"from: {origin}", line),
                    "contract-schema",
                    f"{name}.{platform}.{column} reads {origin}, which {source['name']} does not contract",
                )
            )
    return findings


# --- templates and gaql ---------------------------------------------------------------------------


def example_environment(repo: Repo) -> dict[str, str]:
    text = repo.text("env.example") or ""
    try:
        return {e.name: e.value for e in parse_env_lines(text, "env.example")}
    except EnvFileError:
        return {}


def render_all(repo: Repo) -> tuple[dict[str, source_templates.RenderedSource], list[Finding]]:
    """Every template rendered with env.example (offline-valid placeholders)."""
    env = example_environment(repo)
    templates_dir = repo.root / "templates"
    rendered: dict[str, source_templates.RenderedSource] = {}
    findings: list[Finding] = []
    for name in source_templates.template_names(templates_dir):
        rel = f"templates/{name}_source.yaml"
        try:
            rendered[name] = source_templates.render_source(name, env, templates_dir, repo.root)
        except source_templates.RenderError as exc:
            findings.extend(
                Finding(rel, 1, "templates", f"rendering with env.example: {p}")
                for p in exc.problems
            )
        except (source_templates.TemplateError, KeyError, OSError, ValueError) as exc:
            findings.append(Finding(rel, 1, "templates", f"template is broken: {exc}"))
    return rendered, findings


def check_gaql(repo: Repo) -> list[Finding]:
    findings: list[Finding] = []
    for rel in repo.glob("templates/**/*.gaql"):
        reasons = gaql.check(repo.text(rel) or "", require_incremental=True)
        findings.extend(Finding(rel, 1, "gaql", f"GAQL query {r}") for r in reasons)
    for rel in repo.glob("templates/*.json.example"):
        text = repo.text(rel) or ""
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            findings.append(Finding(rel, exc.lineno, "templates", f"not valid JSON: {exc.msg}"))
            continue
        for item in (
            document.get("custom_queries_array") or () if isinstance(document, dict) else ()
        ):
            query = str(item.get("query", ""))
            if "${" in query.replace("$${", ""):
                continue
            for reason in gaql.check(query, require_incremental=True):
                findings.append(
                    Finding(rel, line_of(text, '"query"'), "gaql", f"GAQL query {reason}")
                )
    env_query = example_environment(repo).get("AIRBYTE_GOOGLE_ADS_CUSTOM_QUERY", "")
    if env_query.strip():
        line = line_of(repo.text("env.example") or "", "AIRBYTE_GOOGLE_ADS_CUSTOM_QUERY=")
        findings.extend(
            Finding("env.example", line, "gaql", f"GAQL query {r}")
            for r in gaql.check(env_query, True)
        )
    return findings


# --- query aliases --------------------------------------------------------------------------------


def camel_to_snake(name: str) -> str:
    """The Facebook connector's stream naming: only an upper-case letter starts a new word."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _find(items: Iterable[Any], key: str, value: str) -> dict[str, Any] | None:
    return next((i for i in items if isinstance(i, dict) and i.get(key) == value), None)


def produced_columns(
    contract: Mapping[str, Any],
    rendered: source_templates.RenderedSource,
    repo: Repo,
    discover: bool = False,
) -> tuple[str | None, dict[str, Any] | None, str]:
    """(stream name, {column: json type or None}, where) for what the template makes the connector emit."""
    by = contract.get("produced_by") or {}
    config = rendered.config
    kind = by.get("kind")
    if kind == "meta_custom_insight":
        insight = _find(config.get("custom_insights") or (), "name", str(by.get("insight")))
        if insight is None:
            return None, None, f"custom insight {by.get('insight')}"
        level_id = {"ad": ["ad_id"], "adset": ["adset_id"], "campaign": ["campaign_id"]}.get(
            insight.get("level", "ad"), []
        )
        cols = [
            *insight.get("fields", ()),
            "date_start",
            "date_stop",
            "account_id",
            *level_id,
            *insight.get("breakdowns", ()),
        ]
        return (
            camel_to_snake("Custom" + str(insight["name"])),
            dict.fromkeys(cols),
            f"custom insight {insight['name']}",
        )
    if kind == "google_ads_custom_query":
        item = _find(
            config.get("custom_queries_array") or (), "table_name", str(by.get("table_name"))
        )
        if item is None:
            return None, None, f"custom query {by.get('table_name')}"
        try:
            fields = gaql.parse(str(item["query"])).output_columns
        except gaql.GaqlError:
            return str(item["table_name"]), {}, "custom query (refused, see rule gaql)"
        return str(item["table_name"]), dict.fromkeys(fields), f"GAQL query of {item['table_name']}"
    if kind in {"ga4_custom_report", "search_console_custom_report"}:
        report = _find(config.get("custom_reports_array") or (), "name", str(by.get("report")))
        if report is None:
            return None, None, f"custom report {by.get('report')}"
        if kind == "ga4_custom_report":
            cols = ["property_id", *report["dimensions"], *report["metrics"]]
            if not report.get("cohortSpec"):
                cols += ["startDate", "endDate"]
        else:
            cols = [
                "site_url",
                "search_type",
                "date",
                *report["dimensions"],
                "clicks",
                "impressions",
                "ctr",
                "position",
            ]
        return str(report["name"]), dict.fromkeys(cols), f"custom report {report['name']}"
    return _manifest_columns(contract, rendered, repo, discover)


def _discovered_columns(
    connector_dir: Path, config: Mapping[str, Any], stream_name: str
) -> dict[str, Any] | None:
    """The stream's JSON-schema types as the connector's own ``discover`` builds them.

    Needs the CDK (about a second per connector), so it only runs with ``--discover``. The
    schema is built from the rendered config: no request reaches the API.
    """
    import contextlib
    import io
    import logging

    from airbyte_cdk.sources.declarative.concurrent_declarative_source import (
        ConcurrentDeclarativeSource,
    )

    manifest = yaml.safe_load((connector_dir / "manifest.yaml").read_text()) or {}
    components = connector_dir / "components.py"
    if components.is_file():
        import importlib.util
        import sys
        import types

        spec = importlib.util.spec_from_file_location(
            f"components__{connector_dir.name}", components
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        package = sys.modules.setdefault(
            "source_declarative_manifest", types.ModuleType("source_declarative_manifest")
        )
        package.components = module  # type: ignore[attr-defined]
        sys.modules["source_declarative_manifest.components"] = module
        sys.modules["components"] = module
    # the CDK logs Airbyte LOG messages to stdout; this command's stdout is its JSON report
    cdk_logger = logging.getLogger("airbyte")
    level = cdk_logger.level
    cdk_logger.setLevel(logging.WARNING)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            source = ConcurrentDeclarativeSource(source_config=manifest, config=dict(config))
            catalog = source.discover(logging.getLogger("contract_checks"), dict(config))
    finally:
        cdk_logger.setLevel(level)
    for stream in catalog.streams:
        if stream.name == stream_name:
            return {
                k: (v or {}).get("type")
                for k, v in stream.json_schema.get("properties", {}).items()
            }
    return None


def _resolve(node: Any, manifest: Mapping[str, Any]) -> Any:
    while (
        isinstance(node, Mapping)
        and isinstance(node.get("$ref"), str)
        and node["$ref"].startswith("#/")
    ):
        target: Any = manifest
        for part in node["$ref"][2:].split("/"):
            target = target.get(part) if isinstance(target, Mapping) else None
        node = {**(target or {}), **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _manifest_columns(
    contract: Mapping[str, Any],
    rendered: source_templates.RenderedSource,
    repo: Repo,
    discover: bool = False,
) -> tuple[str | None, dict[str, Any] | None, str]:
    manifest_rel = rendered.definition.manifest or ""
    text = repo.text(manifest_rel) if (repo.root / manifest_rel).is_file() else None
    if text is None:
        return str(contract.get("stream")), None, f"skipped: {manifest_rel} does not exist yet"
    manifest = yaml.safe_load(text) or {}
    for raw in manifest.get("streams") or ():
        stream = _resolve(raw, manifest)
        if stream.get("name") != contract.get("stream"):
            continue
        if stream.get("type") == "StateDelegatingStream":
            stream = _resolve(stream.get("incremental_stream") or {}, manifest)
        loader = _resolve(stream.get("schema_loader") or {}, manifest)
        schema = (
            _resolve(loader.get("schema") or {}, manifest)
            if loader.get("type") == "InlineSchemaLoader"
            else None
        )
        if schema is None:
            schemas = manifest.get("schemas") or {}
            schema = schemas.get(contract.get("stream")) if loader == {} else None
        if not isinstance(schema, Mapping) or "properties" not in schema:
            if discover:
                connector_dir = (repo.root / manifest_rel).parent
                props = _discovered_columns(connector_dir, rendered.config, str(contract["stream"]))
                return str(contract["stream"]), props, f"{manifest_rel} discovered schema"
            return (
                str(contract["stream"]),
                None,
                f"skipped: {manifest_rel} builds the schema at run time "
                f"({loader.get('type', 'no loader')}); --discover checks it",
            )
        props = {k: (v or {}).get("type") for k, v in schema["properties"].items()}
        return str(contract["stream"]), props, f"{manifest_rel} stream schema"
    return None, None, f"{manifest_rel} stream {contract.get('stream')}"


def _type_ok(contract_type: str, json_type: Any) -> bool:
    if json_type is None:
        return True
    types = set(json_type if isinstance(json_type, list) else [json_type]) - {"null"}
    wanted = {"date": "string", "integer": "integer", "number": "number"}.get(
        contract_type, contract_type
    )
    return wanted in types or (wanted == "number" and "integer" in types)


def check_query_aliases(
    repo: Repo,
    rendered: Mapping[str, source_templates.RenderedSource],
    discover: bool = False,
) -> tuple[list[Finding], list[str]]:
    findings: list[Finding] = []
    skipped: list[str] = []
    for name, rel, contract in stream_contracts(repo):
        text = repo.text(rel) or ""
        source = rendered.get(str(contract.get("template")))
        if source is None:
            skipped.append(
                f"{name}: template {contract.get('template')} did not render (see rule templates)"
            )
            continue
        stream, produced, where = produced_columns(contract, source, repo, discover)
        template_rel = f"templates/{source.name}_source.yaml"
        if where.startswith("skipped:"):
            skipped.append(f"{name}: {where[9:]}")
        elif produced is None:
            findings.append(
                Finding(
                    template_rel, 1, "query-aliases", f"{name}: the template defines no {where}"
                )
            )
        else:
            if stream != contract.get("stream"):
                findings.append(
                    Finding(
                        rel,
                        line_of(text, "stream:"),
                        "query-aliases",
                        f"{name}: {where} produces stream {stream!r}, contract says {contract.get('stream')!r}",
                    )
                )
            contracted = {str(c["name"]): c for c in contract.get("columns") or ()}
            for column in contracted:
                if column not in produced:
                    findings.append(
                        Finding(
                            rel,
                            line_of(text, f"name: {column},"),
                            "query-aliases",
                            f"{name}: column {column} is contracted but {where} does not produce it",
                        )
                    )
                elif not _type_ok(str(contracted[column].get("type")), produced[column]):
                    findings.append(
                        Finding(
                            rel,
                            line_of(text, f"name: {column},"),
                            "query-aliases",
                            f"{name}: column {column} is {produced[column]} in {where}, contract says {contracted[column].get('type')}",
                        )
                    )
            # a field list (GAQL, insight fields, custom report) must match its contract both ways;
            # a connector's stream schema offers every column it can emit, of which the contract
            # lists those the models rely on
            stream_schema = where.endswith(("stream schema", "discovered schema"))
            for column in () if stream_schema else produced:
                if column not in contracted:
                    findings.append(
                        Finding(
                            _producer_file(repo, source, contract),
                            1,
                            "query-aliases",
                            f"{name}: {where} produces {column}, which the contract does not list",
                        )
                    )
        findings.extend(_check_selection(repo, name, contract, source, template_rel))
    return findings, skipped


def _producer_file(
    repo: Repo, source: source_templates.RenderedSource, contract: Mapping[str, Any]
) -> str:
    if (contract.get("produced_by") or {}).get("kind") == "manifest_stream":
        return source.definition.manifest or ""
    template = source_templates.load_template(source.name, repo.root / "templates")
    return f"templates/{template['source']['config_template']}"


def _check_selection(
    repo: Repo,
    name: str,
    contract: Mapping[str, Any],
    source: source_templates.RenderedSource,
    rel: str,
) -> list[Finding]:
    text = repo.text(rel) or ""
    selected = [
        s for c in source.connections for s in c.streams if s.name == contract.get("stream")
    ]
    if not selected:
        return [
            Finding(
                rel,
                line_of(text, "connections:"),
                "query-aliases",
                f"{name}: no template connection selects stream {contract.get('stream')}",
            )
        ]
    findings: list[Finding] = []
    for stream in selected:
        line = line_of(text, f"name: {stream.name}")
        if [list(p) for p in stream.primary_key] != [
            [k] for k in contract.get("primary_key") or ()
        ]:
            findings.append(
                Finding(
                    rel,
                    line,
                    "query-aliases",
                    f"{name}: connection primary key {[list(p) for p in stream.primary_key]} differs from the contract's {contract.get('primary_key')}",
                )
            )
        if contract.get("cursor_field") and list(stream.cursor_field) != [contract["cursor_field"]]:
            findings.append(
                Finding(
                    rel,
                    line,
                    "query-aliases",
                    f"{name}: connection cursor {list(stream.cursor_field)} differs from the contract's {contract['cursor_field']}",
                )
            )
    return findings


# --- seeds and dbt --------------------------------------------------------------------------------


def expected_seed_rows(document: Mapping[str, Any], rows_from: str) -> list[list[str]]:
    if rows_from == "mappings":
        platforms = {p["platform"]: p for p in document.get("platforms") or ()}
        return [
            [
                platform,
                column,
                str(platforms.get(platform, {}).get("source_contract", "")),
                "" if (rule or {}).get("from") is None else str(rule["from"]),
                str((rule or {}).get("transform") or ""),
            ]
            for platform, mapping in (document.get("mappings") or {}).items()
            for column, rule in mapping.items()
        ]
    return [
        [
            str(p.get(k, ""))
            for k in ("platform", "source_template", "source_contract", "dbt_enable_var")
        ]
        for p in document.get(rows_from) or ()
    ]


def _read_csv(text: str) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(text)) if row]


def check_seed_headers(repo: Repo, dbt_project: Path | None) -> list[Finding]:
    findings: list[Finding] = []
    for name, (rel, doc) in sorted(repo.contracts.items()):
        for seed in doc.get("seeds") or ():
            columns = [str(c) for c in seed.get("columns") or ()]
            targets = [(str(seed["path"]), repo.root / str(seed["path"]), True)]
            if (
                dbt_project is not None
                and (dbt_project / "seeds" / Path(seed["path"]).name).is_file()
            ):
                targets.append(
                    (
                        str(dbt_project / "seeds" / Path(seed["path"]).name),
                        dbt_project / "seeds" / Path(seed["path"]).name,
                        False,
                    )
                )
            for shown, path, check_rows in targets:
                if not path.is_file():
                    findings.append(
                        Finding(
                            rel,
                            line_of(repo.text(rel) or "", str(seed["path"])),
                            "seed-headers",
                            f"{name}: seed {shown} does not exist",
                        )
                    )
                    continue
                rows = _read_csv(path.read_text())
                header = rows[0] if rows else []
                if header != columns:
                    findings.append(
                        Finding(
                            shown,
                            1,
                            "seed-headers",
                            f"header {header} differs from the contract {name}: {columns}",
                        )
                    )
                elif check_rows and seed.get("rows_from"):
                    expected = expected_seed_rows(doc, str(seed["rows_from"]))
                    if rows[1:] != expected:
                        extra = [r for r in rows[1:] if r not in expected]
                        lacking = [r for r in expected if r not in rows[1:]]
                        findings.append(
                            Finding(
                                shown,
                                1,
                                "seed-headers",
                                f"rows differ from contract {name} (in the seed only: {extra[:3]}; missing: {lacking[:3]}); regenerate it from the contract",
                            )
                        )
    return findings


def _yaml_files(project: Path) -> Iterator[tuple[Path, Any]]:
    for path in sorted(project.rglob("*.yml")) + sorted(project.rglob("*.yaml")):
        if {"target", "dbt_packages"}.intersection(path.relative_to(project).parts):
            continue
        try:
            yield path, yaml.safe_load(path.read_text())
        except yaml.YAMLError:
            continue


def _match_contract(table: str, contracts: Mapping[str, Mapping[str, Any]]) -> str | None:
    hits = [
        n
        for n, c in contracts.items()
        if table == c["stream"] or table.endswith("_" + str(c["stream"]))
    ]
    return max(hits, key=lambda n: len(str(contracts[n]["stream"])), default=None)


def check_dbt(repo: Repo, project: Path) -> list[Finding]:
    findings: list[Finding] = []
    project_file = project / "dbt_project.yml"
    if not project_file.is_file():
        return [
            Finding(
                str(project_file), 1, "dbt", "no dbt_project.yml here: pass the dbt project folder"
            )
        ]
    project_text = project_file.read_text()
    settings = yaml.safe_load(project_text) or {}
    variables = settings.get("vars") or {}
    for var in ("enable_linkedin", "enable_tiktok"):
        if not isinstance(variables.get(var), bool):
            findings.append(
                Finding(
                    str(project_file),
                    line_of(project_text, var),
                    "dbt",
                    f"vars.{var} must be declared as true/false (the optional connectors are off by default)",
                )
            )
    contracts = {n: d for n, _, d in stream_contracts(repo)}
    gates = {
        d["platform"]: f"enable_{d['platform']}"
        for d in contracts.values()
        if d.get("platform") in {"linkedin", "tiktok"}
    }
    tables: dict[tuple[str, str], str] = {}
    for path, document in _yaml_files(project):
        if not isinstance(document, dict):
            continue
        text = path.read_text()
        for source in document.get("sources") or ():
            for table in source.get("tables") or ():
                contract = _match_contract(
                    str(table.get("identifier") or table.get("name")), contracts
                )
                if contract is None:
                    continue
                tables[(str(source.get("name")), str(table.get("name")))] = contract
                allowed = set(_columns(contracts[contract]))
                for column in table.get("columns") or ():
                    if column.get("name") not in allowed:
                        findings.append(
                            Finding(
                                str(path),
                                line_of(text, f"name: {column.get('name')}"),
                                "dbt",
                                f"source {source.get('name')}.{table.get('name')} documents column {column.get('name')}, which contract {contract} does not have",
                            )
                        )
        for model in document.get("models") or ():
            meta = {**(model.get("meta") or {}), **((model.get("config") or {}).get("meta") or {})}
            contract_name = meta.get("data_contract")
            if contract_name is None:
                continue
            if contract_name not in repo.contracts:
                findings.append(
                    Finding(
                        str(path),
                        line_of(text, str(contract_name)),
                        "dbt",
                        f"model {model.get('name')} names unknown contract {contract_name}",
                    )
                )
                continue
            expected = _columns(repo.contracts[contract_name][1])
            got = [str(c.get("name")) for c in model.get("columns") or ()]
            if got != expected:
                findings.append(
                    Finding(
                        str(path),
                        line_of(text, f"name: {model.get('name')}"),
                        "dbt",
                        f"model {model.get('name')} columns {got} differ from contract {contract_name}: {expected}",
                    )
                )
    source_ref = re.compile(r"source\(\s*['\"]([^'\"]+)['\"]\s*,\s*['\"]([^'\"]+)['\"]\s*\)")
    for path in (
        sorted((project / "models").rglob("*.sql")) if (project / "models").is_dir() else ()
    ):
        sql = path.read_text()
        for match in source_ref.finditer(sql):
            contract = tables.get((match.group(1), match.group(2)))
            if contract is None:
                continue
            allowed = set(_columns(contracts[contract]))
            for quoted in sorted(set(re.findall(r'"([A-Za-z_][A-Za-z0-9_.]*)"', sql))):
                if "." in quoted and quoted not in allowed:
                    findings.append(
                        Finding(
                            str(path),
                            line_of(sql, f'"{quoted}"'),
                            "dbt",
                            f'reads column "{quoted}", which contract {contract} does not have',
                        )
                    )
            gate = gates.get(str(contracts[contract].get("platform")))
            if (
                gate
                and not re.search(rf"var\(\s*['\"]{gate}['\"]", sql)
                and gate not in project_text.split("vars:")[0]
            ):
                findings.append(
                    Finding(
                        str(path),
                        1,
                        "dbt",
                        f"reads {match.group(1)}.{match.group(2)} but is not gated by var('{gate}'); enable it with config(enabled=var('{gate}', false))",
                    )
                )
    return findings


# --- records --------------------------------------------------------------------------------------


def _value_ok(column: Mapping[str, Any], value: Any) -> bool:
    kind = column.get("type")
    checks = {
        "string": lambda v: isinstance(v, str),
        "date": lambda v: isinstance(v, str) and bool(_DATE.match(v)),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
    }
    ok = checks.get(str(kind), lambda v: True)(value)
    return ok and not (
        column.get("pattern") and isinstance(value, str) and not re.match(column["pattern"], value)
    )


def check_records(
    repo: Repo, records: Path, stream_override: str | None
) -> tuple[list[Finding], dict[str, int]]:
    by_stream = {str(d["stream"]): d for _, _, d in stream_contracts(repo)}
    by_name = {n: d for n, _, d in stream_contracts(repo)}
    findings: list[Finding] = []
    counts: dict[str, int] = {}
    seen: dict[tuple[str, tuple[Any, ...]], int] = {}
    shown = str(records)
    with records.open() as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                message = json.loads(line)
            except json.JSONDecodeError as exc:
                findings.append(Finding(shown, number, "records", f"not JSON: {exc.msg}"))
                continue
            if isinstance(message, dict) and "type" in message and "record" in message:
                if message["type"] != "RECORD":
                    continue
                stream, data = str(message["record"].get("stream")), message["record"].get("data")
            elif isinstance(message, dict) and "type" in message:
                continue
            else:
                stream, data = stream_override or "", message
            contract = (
                by_name.get(stream_override or "")
                or by_stream.get(stream)
                or next((d for s, d in by_stream.items() if stream.endswith("_" + s)), None)
            )
            if contract is None:
                counts["records_without_contract"] = counts.get("records_without_contract", 0) + 1
                continue
            if not isinstance(data, dict):
                findings.append(Finding(shown, number, "records", "record data is not an object"))
                continue
            counts[str(contract["name"])] = counts.get(str(contract["name"]), 0) + 1
            for column in contract.get("columns") or ():
                value = data.get(column["name"])
                if value is None:
                    if not column.get("nullable"):
                        findings.append(
                            Finding(
                                shown,
                                number,
                                "records",
                                f"{contract['name']}: {column['name']} is {'missing' if column['name'] not in data else 'null'} but not nullable",
                            )
                        )
                elif not _value_ok(column, value):
                    findings.append(
                        Finding(
                            shown,
                            number,
                            "records",
                            f"{contract['name']}: {column['name']} should be {column['type']}, got {type(value).__name__} {str(value)[:40]!r}",
                        )
                    )
            key = tuple(
                json.dumps(data.get(k), sort_keys=True) for k in contract.get("primary_key") or ()
            )
            if key:
                first = seen.setdefault((str(contract["name"]), key), number)
                shown_key = {k: data.get(k) for k in contract["primary_key"]}
                if first != number:
                    findings.append(
                        Finding(
                            shown,
                            number,
                            "records",
                            f"{contract['name']}: primary key {shown_key} repeats line {first}",
                        )
                    )
    return findings, counts
