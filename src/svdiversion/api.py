"""svdiversion as a library: open a workspace, check it, and get each report as data.

The reports are the same frozen dataclasses the CLI renders (``Burndown``,
``AreasReport``, ``OutcomesReport``, ``VfmReport``, ``TrendsReport``, ``MonthlyPack``,
a registered report's value), worked out by the same functions: the CLI calls this
module, so a notebook and a command cannot disagree. Money is integer pence; counts are
integers, or in a published report the disclosure symbol.

>>> from datetime import date
>>> from svdiversion import api
>>> ws = api.open_workspace("path/to/workspace", as_of=date(2025, 3, 31))  # doctest: +SKIP
>>> ws.ok, len(ws.problems)  # doctest: +SKIP
(True, 0)
>>> ws.burndown(window="2024/25-Q2").actual_to_date  # doctest: +SKIP
36822823
>>> ws.outcomes(window="2024/25-Q2", disclosure="published").totals.referrals  # doctest: +SKIP
95

Counts about children are **published** (rounded, small counts hidden, audited) unless
``disclosure="internal"`` is asked for: a notebook is a place figures get copied from.
See ``docs/api.md``.

The module-level functions (``outcomes(ledger, options, disclosure)`` and the rest)
are the one place a disclosure mode is applied to a report; :class:`Workspace` is the
convenient front of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .core.fiscal import (
    DateRange,
    Month,
    OutsideDates,
    parse_bounded,
    parse_fy,
    parse_month,
    parse_period,
    parse_quarter,
)
from .load import UNIT_COSTS, NotAWorkspace
from .reports.disclosure import Disclosure
from .reports.kind import Inputs
from .reports.options import Bucket, ReportOptions

if TYPE_CHECKING:  # each report's modules are imported when it is asked for
    from .core.ledger import Ledger
    from .core.models import UnitCost
    from .core.problems import Problem
    from .reports.areas import AreasReport
    from .reports.audit.report import AuditReport
    from .reports.burndown import Burndown
    from .reports.kind import ReportKind
    from .reports.outcomes import OutcomesReport
    from .reports.pack import MonthlyPack
    from .reports.trends import TrendsReport
    from .reports.vfm import VfmReport
    from .workspace import LoadResult

__all__ = [
    "LedgerHasErrors",
    "NotAWorkspace",
    "Workspace",
    "areas",
    "burndown",
    "open_workspace",
    "outcomes",
    "pack",
    "parse_window",
    "registered",
    "trends",
    "vfm",
]


class LedgerHasErrors(Exception):
    """A report was asked of a ledger with errors: ``problems`` says what they are."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.is_error]
        message = f"the ledger has {len(errors)} error{'s' * (len(errors) != 1)}"
        if errors:
            first = errors[0]
            message += f"; the first: {first.path}:{first.line}: {first.code} {first.message}"
        super().__init__(message)


class UnitCostsHaveErrors(Exception):
    """``config/unit_costs.yaml`` has problems (the value-for-money break-even needs it)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{UNIT_COSTS} has {len(problems)} problems")


# ---------------------------------------------------------------- the one place per report


def burndown(ledger: Ledger, options: ReportOptions) -> Burndown:
    """Planned against actual spend, forecasts and RAG (money only: no disclosure)."""
    from .reports.burndown import burndown as burndown_report

    return burndown_report(ledger, options)


def areas(
    ledger: Ledger,
    options: ReportOptions,
    disclosure: Disclosure,
    *,
    apportion: bool = False,
    successors: bool = False,
) -> AreasReport:
    """Allocation, spend and reach per area; published, its counts are the release's."""
    from .reports.area_report import REPORT

    flags = {"apportion": apportion, "successors": successors}
    report: AreasReport = registered(REPORT, ledger, options, disclosure, Inputs(flags))
    return report


def outcomes(ledger: Ledger, options: ReportOptions, disclosure: Disclosure) -> OutcomesReport:
    """Referrals, engagement, outcome measures and workshops; published, the audited
    release for the options' window or date."""
    from .reports.outcome_report import REPORT

    report: OutcomesReport = registered(REPORT, ledger, options, disclosure)
    return report


def vfm(
    ledger: Ledger, options: ReportOptions, disclosure: Disclosure, unit_costs: list[UnitCost]
) -> VfmReport:
    """Cost per referral, engaged child, completion and positive outcome; break-even."""
    from .reports.vfm_report import REPORT

    inputs = Inputs(unit_costs=lambda: unit_costs)
    report: VfmReport = registered(REPORT, ledger, options, disclosure, inputs)
    return report


def trends(
    ledger: Ledger,
    as_of: date,
    disclosure: Disclosure,
    baseline_from: Month | None = None,
    baseline_to: Month | None = None,
) -> TrendsReport:
    """Referrals and outcome rates on process control charts, with their signals."""
    from .reports.trends import trends as trends_report

    return trends_report(ledger, as_of, disclosure, baseline_from, baseline_to)


def pack(
    ledger: Ledger,
    options: ReportOptions,
    disclosure: Disclosure,
    problems: list[Problem],
    unit_costs: list[UnitCost],
) -> MonthlyPack:
    """The treasurer's monthly pack: every report as of one date, with the check status."""
    from .reports.pack import monthly_pack

    return monthly_pack(ledger, options, disclosure, problems, unit_costs)


def registered(
    kind: ReportKind,
    ledger: Ledger,
    options: ReportOptions,
    disclosure: Disclosure,
    inputs: Inputs | None = None,
) -> Any:
    """A registered report's value (``reports.registry``): published through its own
    ``publish`` when it counts children and the mode says so."""
    inputs = inputs or Inputs()
    if kind.publish is not None and disclosure is Disclosure.PUBLISHED:
        return kind.publish(ledger, options, inputs)
    return kind.compute(ledger, options, inputs)


# ---------------------------------------------------------------- options from plain values


def parse_window(text: str | DateRange | None) -> DateRange | None:
    """``"2024-09"`` (a month), ``"2024/25-P06"`` (a period), ``"2024/25-Q2"`` (a
    quarter) or ``"2024/25"`` (a financial year) as the span of days it names."""
    if text is None or isinstance(text, DateRange):
        return text
    for parse in (parse_month, parse_period, parse_quarter, parse_fy):
        try:
            return parse_bounded(parse, text)
        except OutsideDates:
            raise
        except ValueError:
            continue
    raise ValueError(
        f"{text!r} is not a window; write a month (2024-09), a period (2024/25-P06), "
        "a quarter (2024/25-Q2) or a financial year (2024/25)"
    )


def _disclosure(value: str | Disclosure) -> Disclosure:
    return value if isinstance(value, Disclosure) else Disclosure(value)


# ---------------------------------------------------------------- the workspace front


@dataclass
class Workspace:
    """A loaded and checked workspace. Reports stand at ``as_of`` unless a call says
    otherwise; a window without ``as_of`` stands at the window's end (as the CLI does)."""

    root: Path
    as_of: date
    loaded: LoadResult = field(repr=False)
    """What the workspace loader gave: the ledger and every problem, located."""

    @property
    def problems(self) -> list[Problem]:
        return self.loaded.problems

    @property
    def errors(self) -> list[Problem]:
        return self.loaded.errors

    @property
    def warnings(self) -> list[Problem]:
        return self.loaded.warnings

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed), as ``svdiversion check`` exits 0."""
        return not self.errors

    @property
    def ledger(self) -> Ledger:
        """The validated ledger; :class:`LedgerHasErrors` while it has errors."""
        if self.loaded.ledger is None or self.errors:
            raise LedgerHasErrors(self.problems)
        return self.loaded.ledger

    def options(
        self, window: str | DateRange | None = None, as_of: date | None = None, by: str = "month"
    ) -> ReportOptions:
        span = parse_window(window)
        if as_of is None:
            as_of = min(span.end, self.as_of) if span else self.as_of
        return ReportOptions(as_of=as_of, window=span, bucket=Bucket(by))

    def unit_costs(self) -> list[UnitCost]:
        """``config/unit_costs.yaml`` (none when the file is not there)."""
        from .load import load_unit_costs
        from .load.presence import present

        if not present(self.root / UNIT_COSTS):
            return []
        costs, problems = load_unit_costs(self.root)
        if costs is None or problems:
            raise UnitCostsHaveErrors(problems)
        return costs

    def burndown(
        self, window: str | DateRange | None = None, as_of: date | None = None, by: str = "month"
    ) -> Burndown:
        return burndown(self.ledger, self.options(window, as_of, by))

    def areas(
        self,
        window: str | DateRange | None = None,
        as_of: date | None = None,
        disclosure: str | Disclosure = Disclosure.PUBLISHED,
        apportion: bool = False,
        successors: bool = False,
    ) -> AreasReport:
        mode = _disclosure(disclosure)
        options = self.options(window, as_of).standing(mode)
        return areas(self.ledger, options, mode, apportion=apportion, successors=successors)

    def outcomes(
        self,
        window: str | DateRange | None = None,
        as_of: date | None = None,
        disclosure: str | Disclosure = Disclosure.PUBLISHED,
    ) -> OutcomesReport:
        mode = _disclosure(disclosure)
        return outcomes(self.ledger, self.options(window, as_of).standing(mode), mode)

    def vfm(
        self,
        window: str | DateRange | None = None,
        as_of: date | None = None,
        disclosure: str | Disclosure = Disclosure.PUBLISHED,
    ) -> VfmReport:
        mode = _disclosure(disclosure)
        options = self.options(window, as_of).standing(mode)
        return vfm(self.ledger, options, mode, self.unit_costs())

    def trends(
        self,
        as_of: date | None = None,
        disclosure: str | Disclosure = Disclosure.PUBLISHED,
        baseline_from: str | None = None,
        baseline_to: str | None = None,
    ) -> TrendsReport:
        mode = _disclosure(disclosure)
        day = ReportOptions(as_of or self.as_of).standing(mode).as_of
        first = Month.parse(baseline_from) if baseline_from else None
        last = Month.parse(baseline_to) if baseline_to else None
        return trends(self.ledger, day, mode, first, last)

    def pack(
        self,
        window: str | DateRange | None = None,
        as_of: date | None = None,
        disclosure: str | Disclosure = Disclosure.PUBLISHED,
    ) -> MonthlyPack:
        mode = _disclosure(disclosure)
        options = self.options(window, as_of).standing(mode)
        return pack(self.ledger, options, mode, self.problems, self.unit_costs())

    def report(
        self,
        name: str,
        window: str | DateRange | None = None,
        as_of: date | None = None,
        disclosure: str | Disclosure = Disclosure.PUBLISHED,
        **options: Any,
    ) -> Any:
        """A registered report by its command's name, e.g. ``ws.report("suppliers")``;
        ``options`` are the report's own: its yes/no flags (``ws.report("areas",
        apportion=True)``) and, for a report per period, ``by`` (``ws.report("burndown",
        by="quarter")``)."""
        from .reports.registry import report_kind

        kind = report_kind(name)
        known = {flag.name for flag in kind.flags} | ({"by"} if kind.by_period else set())
        if unknown := sorted(set(options) - known):
            takes = ", ".join(sorted(known)) or "none"
            raise TypeError(f"the {name} report has no option {unknown[0]!r} (it takes: {takes})")
        by = options.pop("by", "month")
        mode = _disclosure(disclosure) if kind.about_children else Disclosure.INTERNAL
        chosen = self.options(window, as_of, by).standing(mode)
        inputs = Inputs(options, self.unit_costs)
        return registered(kind, self.ledger, chosen, mode, inputs)

    def disclosure_audit(self, as_of: date | None = None) -> AuditReport:
        """Every published release to ``as_of`` attacked together (``.safe`` says)."""
        from .reports.audit.report import disclosure_audit as audit

        return audit(self.ledger, as_of or self.as_of)


def open_workspace(root: str | Path, *, as_of: date | None = None) -> Workspace:
    """Load the workspace at ``root`` and run every check as of today, as a report
    command does; ``as_of`` (default today) is the date reports stand at unless a call
    says otherwise, and only hides later rows. Raises :class:`NotAWorkspace` when
    ``root`` has no ``config/`` and ``ledger/``; problems in the files are in
    ``.problems``, never raised (``svdiversion check --as-of`` checks as of another day)."""
    from .clock import today
    from .workspace import open_workspace as load_and_check

    folder = Path(root)
    return Workspace(folder, as_of or today(), load_and_check(folder, as_of=today()))
