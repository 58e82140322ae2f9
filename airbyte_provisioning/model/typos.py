"""Probable typos: ``AIRBYTE_*`` variables that match no known setting, with a suggestion.

A name is checked against, in order: the settings of the declared tenant whose prefix it carries,
the template settings (``AIRBYTE_TEMPLATE_<TEMPLATE>_*``), the defaults (``AIRBYTE_DEFAULT_*``),
then the tenant keys of a slug ``AIRBYTE_TENANTS`` does not declare, then the global variables.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from dataclasses import dataclass

from airbyte_provisioning.model import variables as V
from airbyte_provisioning.model.env_reader import EnvReader

_TEMPLATE = f"{V.PREFIX}TEMPLATE_"
_DEFAULT = f"{V.PREFIX}DEFAULT_"


def close_match(word: str, candidates: Collection[str]) -> str | None:
    """The closest candidate, when close enough to be a probable typo of ``word``."""
    match = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.75)
    return match[0] if match else None


@dataclass(frozen=True)
class _KnownNames:
    """Everything a variable may legitimately be called, given the groups and the tenants."""

    tenant_keys: frozenset[str]
    # (env prefix, slug), longest prefix first, so globex-eu wins over globex
    prefixes: tuple[tuple[str, str], ...]
    default_keys: frozenset[str]
    template_keys: frozenset[str]

    @classmethod
    def of(cls, slugs: list[str], groups: tuple[str, ...]) -> _KnownNames:
        prefixes = sorted(((V.tenant_env_prefix(s), s) for s in slugs), key=lambda p: -len(p[0]))
        return cls(
            tenant_keys=V.tenant_keys(groups),
            prefixes=tuple(prefixes),
            default_keys=frozenset(f"{_DEFAULT}{g}_{k}" for g in groups for k in V.SCHEDULE_KEYS),
            template_keys=frozenset(
                f"{_TEMPLATE}{t}_{k}" for t in V.TEMPLATES for k in V.GLOBAL_TEMPLATE_KEYS
            ),
        )

    def is_known(self, name: str) -> bool:
        return name in V.GLOBAL_VARIABLES or name in self.default_keys or name in self.template_keys

    def owner(self, name: str) -> tuple[str, str] | None:
        return next(((p, s) for p, s in self.prefixes if name.startswith(p)), None)


def configured_slugs(names: Collection[str], groups: tuple[str, ...]) -> list[str]:
    """The slugs that ``AIRBYTE_<SLUG>_<tenant key>`` variables among ``names`` are for, sorted
    (underscores read as dashes: a guess, shown as a suggestion only)."""
    known = _KnownNames.of([], groups)
    found = {
        slug
        for name in names
        if name.startswith(V.PREFIX) and not known.is_known(name)
        if (slug := _slug_of(name, known))
    }
    return sorted(found)


def tenant_key_problems(reader: EnvReader, slugs: list[str], groups: tuple[str, ...]) -> None:
    """Report AIRBYTE_<SLUG>_* variables that match no known key, or no declared tenant.

    With no tenant declared at all, the settings of undeclared tenants are not reported one by
    one: the one ``AIRBYTE_TENANTS`` problem names their slugs (one cause, one error)."""
    known = _KnownNames.of(slugs, groups)
    for name in sorted(reader.env):
        if not name.startswith(V.PREFIX) or known.is_known(name):
            continue
        owner = known.owner(name)
        if owner is not None:
            _tenant_setting_typo(reader, name, owner, known)
        elif name.startswith(_TEMPLATE):
            _template_setting_typo(reader, name, known)
        elif name.startswith(_DEFAULT):
            guess = close_match(name, set(V.GLOBAL_VARIABLES) | known.default_keys)
            hint = f"; did you mean {guess}?" if guess else ""
            reader.problem(name, f"not a known default: probable typo{hint}", "probable_typo")
        elif not _undeclared_tenant(reader, name, slugs, known):
            _global_typo(reader, name)


def _tenant_setting_typo(
    reader: EnvReader, name: str, owner: tuple[str, str], known: _KnownNames
) -> None:
    prefix, slug = owner
    key = name[len(prefix) :]
    if key in known.tenant_keys:
        return
    guess = close_match(key, known.tenant_keys)
    hint = f"; did you mean {prefix}{guess}?" if guess else ""
    reader.problem(
        name,
        f"not a known setting for tenant {slug!r}: probable typo{hint}",
        "probable_typo",
        slug,
    )


def _template_setting_typo(reader: EnvReader, name: str, known: _KnownNames) -> None:
    rest = name.removeprefix(_TEMPLATE)
    template = next((t for t in V.TEMPLATES if rest.startswith(t + "_")), None)
    if template is None:
        reader.problem(
            name,
            f"unknown template; known templates: {', '.join(V.TEMPLATES)}",
            "unknown_template",
        )
        return
    guess = close_match(name, known.template_keys)
    hint = f"; did you mean {guess}?" if guess else ""
    reader.problem(name, f"not a known template setting: probable typo{hint}", "probable_typo")


def _slug_of(name: str, known: _KnownNames) -> str | None:
    """The slug in ``AIRBYTE_<X>_<tenant key>`` (``AIRBYTE_GLOBEX_EU_TIMEZONE`` → globex-eu)."""
    middle = next(
        (
            name[len(V.PREFIX) : -len(key) - 1]
            for key in sorted(known.tenant_keys, key=len, reverse=True)
            if name.endswith("_" + key) and len(name) > len(V.PREFIX) + len(key) + 1
        ),
        None,
    )
    return middle.lower().replace("_", "-") if middle else None


def _undeclared_tenant(reader: EnvReader, name: str, slugs: list[str], known: _KnownNames) -> bool:
    """AIRBYTE_<X>_<tenant key> for a slug that AIRBYTE_TENANTS does not declare: reported,
    unless no slug is declared at all (the AIRBYTE_TENANTS problem covers them)."""
    slug = _slug_of(name, known)
    if slug is None:
        return False
    if not slugs:
        return True
    declared = ", ".join(slugs)
    reader.problem(
        name,
        f"looks like a setting for tenant {slug!r}, which AIRBYTE_TENANTS does not declare "
        f"(declared: {declared}); add the slug or remove the variable",
        "undeclared_tenant",
    )
    return True


def _global_typo(reader: EnvReader, name: str) -> None:
    guess = close_match(name, V.GLOBAL_VARIABLES)
    if guess:
        reader.problem(
            name,
            f"unknown variable: probable typo of {guess}",
            "probable_typo",
            severity="warning",
        )
