"""What a rule is given: the repository and the run's options (``Inputs``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from airbyte_provisioning.checks.contracts.names import OptionalInput
from airbyte_provisioning.checks.contracts.repo import Repo
from airbyte_provisioning.checks.contracts.rules.rendering import Rendering, render_all


@dataclass
class Inputs:
    """The repository, the optional inputs of the run, and what several rules share (rendering)."""

    repo: Repo
    dbt_project: Path | None = None
    records: Path | None = None
    stream: str | None = None
    discover: bool = False

    def has(self, option: OptionalInput | None) -> bool:
        """Whether the run was given ``option`` (None: a rule that needs no option)."""
        given = {"--dbt-project": self.dbt_project, "--records": self.records}
        return option is None or given[option] is not None

    @cached_property
    def rendering(self) -> Rendering:
        return render_all(self.repo)
