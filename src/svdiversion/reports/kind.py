"""What a report is, for the registry (``reports.registry``): what it computes and what
tables it shows.

A :class:`ReportKind` names a report's command, its help, its computation and its
tables (format-neutral :class:`~svdiversion.core.sheet.Sheet` values). One runner in
the CLI (``cli.registered``) serves every registered report in every format: the
terminal, CSV and Markdown come from the sheets, JSON too unless the report keeps a
documented ``document`` of its own, and the options every report
takes (``--as-of``, one window, ``--format``, ``--out``) are declared once there.

A report about children must say how it is published: ``publish`` computes the edition
that goes through disclosure control, and the runner is the one place that chooses it.
A report about money alone has none, and no ``--disclosure`` option.

A report may take yes/no options of its own (``flags``: ``areas --apportion``) and the
workspace's unit costs of crime (``Inputs.unit_costs``, read only when a report asks:
value for money); both reach its computation as :class:`Inputs`. A report whose rows are
per period takes ``--by`` (``by_period``: the burn-down), and one that counts the
treasurer's forecasts stands, for a closed month, at the month's close
(``counts_forecasts``).

Adding a report is one module that defines its ``REPORT`` and one line in
``reports.registry.REPORTS``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.ledger import Ledger
from ..core.sheet import Sheet
from .disclosure import Disclosure
from .options import ReportOptions

if TYPE_CHECKING:
    from ..core.models import UnitCost


def _no_unit_costs() -> list[UnitCost]:
    return []


def _as_of(value: Any) -> str:
    return str(value.as_of.isoformat())


SHARED_OPTIONS = frozenset(
    {"ctx", "as_of", "month", "period", "quarter", "fy", "by", "disclosure", "output", "out"}
)
"""The names every report command's options take already: a flag cannot be one."""


@dataclass(frozen=True, slots=True)
class Flag:
    """A yes/no option of one report, ``--NAME`` (``_`` written ``-``), given to its
    computation as ``Inputs.flags[NAME]`` (false unless given)."""

    name: str
    help: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", self.name) or self.name in SHARED_OPTIONS:
            raise ValueError(
                f"a report's flag is a lower-case name not among {sorted(SHARED_OPTIONS)}: "
                f"{self.name!r}"
            )

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a report is computed from besides the ledger and the options."""

    flags: Mapping[str, bool] = field(default_factory=dict)
    """Each of the report's flags, given or not."""
    unit_costs: Callable[[], list[UnitCost]] = _no_unit_costs
    """``config/unit_costs.yaml``, read when called (none when the file is not there)."""

    def flag(self, name: str) -> bool:
        return bool(self.flags.get(name, False))


@dataclass(frozen=True, slots=True)
class ReportKind:
    """One report: ``svdiversion NAME`` and ``svdiversion.api.Workspace.report(NAME)``."""

    name: str
    summary: str
    """The first line of the command's help."""
    example: str
    """A command line that shows it, for the help."""
    heading: str
    """The Markdown document's heading."""
    compute: Callable[[Ledger, ReportOptions, Inputs], Any]
    """The report's value (a frozen dataclass), exact."""
    sheets: Callable[[Any], list[Sheet]]
    """Its tables, in the order they are shown; the first is the CSV."""
    as_of: Callable[[Any], str] = _as_of
    """The as-of date a value stands at, for the JSON document (its ``as_of`` date)."""
    publish: Callable[[Ledger, ReportOptions, Inputs], Any] | None = None
    """For a report with counts about children: the published edition."""
    document: Callable[[Any, Disclosure], dict[str, Any]] | None = None
    """Its JSON, for a report whose JSON was documented before the registry (areas,
    outcomes, value for money); ``None``: the JSON is derived from the sheets
    (``render.registered``)."""
    flags: tuple[Flag, ...] = ()
    """Its yes/no options, in the order ``--help`` lists them."""
    by_period: bool = False
    """Its rows are per month, quarter or financial year (``ReportOptions.bucket``): its
    command takes ``--by``."""
    counts_forecasts: bool = False
    """It counts the treasurer's forecasts: a report of one closed month counts those said
    by the month's close (the command says so on stderr)."""

    @property
    def about_children(self) -> bool:
        return self.publish is not None
