"""Burn-down: planned against actual spend by month, and where the money will end up.

Planned spend comes from the tranches (the payment profile), actual spend from the
transactions (accruals basis: the sum of every amount). Only transactions dated on or
before the as-of date count. Where the treasurer has recorded a forecast for a line
(``reports.treasurer``), its variance and RAG use it instead of the profile.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..core.fiscal import Month, months_between
from ..core.ledger import Ledger
from ..core.money import Pence, ratio, to_pence
from .options import Bucket, ReportOptions, bucket_label
from .rag import Rag, rag_against_profile
from .treasurer import TreasurerLine, treasurer_lines

RUN_RATE_MONTHS = 3


@dataclass(frozen=True, slots=True)
class PeriodRow:
    """One bucket (month, quarter or financial year) of the profile.

    ``actual`` and the figures built on it are ``None`` for buckets that start after the
    as-of date: nothing is known about them yet.
    """

    label: str
    first: Month
    last: Month
    planned: Pence
    actual: Pence | None
    cumulative_planned: Pence
    cumulative_actual: Pence | None
    remaining: Pence | None
    time_elapsed: Decimal
    budget_spent: Decimal | None

    @property
    def month(self) -> str:
        return str(self.first)

    @property
    def fy_period(self) -> str:
        if self.first == self.last:
            return self.first.fy_period
        return self.label


@dataclass(frozen=True, slots=True)
class LineRow:
    id: str
    decision: str
    name: str
    kind: str
    original: Pence
    budget: Pence
    planned_to_date: Pence
    actual_to_date: Pence
    remaining: Pence
    forecast_outturn: Pence
    treasurer_forecast: Pence | None  # None where the treasurer recorded none
    variance: Pence  # the treasurer's forecast (else the profile forecast) minus budget
    rag: Rag  # actual against the treasurer's expectation to date, else the profile
    rag_basis: str = "profile"  # what ``rag`` compares with: profile, treasurer or budget


@dataclass(frozen=True, slots=True)
class Burndown:
    as_of: date
    currency: str
    bucket: Bucket
    start: date
    end: date
    budget_total: Pence
    planned_to_date: Pence
    actual_to_date: Pence
    remaining: Pence
    forecast_outturn: Pence
    run_rate_forecast: Pence
    run_rate_monthly: Pence
    treasurer_forecast: Pence | None
    variance: Pence
    variance_to_profile: Pence
    rag: Rag
    time_elapsed: Decimal
    budget_spent: Decimal | None
    periods: tuple[PeriodRow, ...]
    lines: tuple[LineRow, ...]
    rag_basis: str = "profile"
    """What RAG compares actual spend with: ``profile`` (planned to date) during the
    contract, ``treasurer`` where the treasurer's forecast changes what was expected by
    then, ``budget`` once the contract has ended, when all of the budget should be spent."""
    # (decision id, approval date) of each decision shown though approved after the as-of
    not_yet_approved: tuple[tuple[str, date], ...] = ()
    rag_against: Pence = 0
    """The figure actual spend to date is judged against for the headline RAG: planned to
    date, the treasurer's expectation to date, or the budget (see ``rag_basis``)."""


@dataclass(frozen=True, slots=True)
class SpendTotals:
    """Actual spend by month and by line, to the as-of date: one pass over the rows."""

    by_month: dict[Month, Pence]
    by_line: dict[str, Pence]
    by_line_month: dict[tuple[str, Month], Pence]


def spend_to_date(ledger: Ledger, as_of: date) -> SpendTotals:
    table = ledger.transactions

    def month_to_date(day: date) -> Month | None:
        return Month.of(day) if day <= as_of else None

    # Summed by (line, month) in one pass; the month is worked out once per distinct day.
    by_line_month: dict[tuple[str, Month], Pence] = {
        (line, month): pence
        for (line, month), pence in table.sums(
            ["budget_line", ("date", month_to_date)], "pence"
        ).items()
        if month is not None
    }
    by_month: dict[Month, Pence] = defaultdict(int)
    by_line: dict[str, Pence] = defaultdict(int)
    for (line, month), pence in by_line_month.items():
        by_month[month] += pence
        by_line[line] += pence
    return SpendTotals(dict(by_month), dict(by_line), by_line_month)


@dataclass(frozen=True, slots=True)
class Profile:
    """The planned spend (the effective tranches) as the burn-down needs it: by month, and
    by line in all and to the as-of date. Worked out once per report."""

    by_month: dict[Month, Pence]
    by_line: dict[str, Pence]
    by_line_to_date: dict[str, Pence]

    @classmethod
    def of(cls, ledger: Ledger, as_of: date) -> Profile:
        by_month: dict[Month, Pence] = defaultdict(int)
        by_line: dict[str, Pence] = defaultdict(int)
        by_line_to_date: dict[str, Pence] = defaultdict(int)
        for _, tranche in ledger.tranches():
            pence = to_pence(tranche.amount)
            by_month[Month.of(tranche.due)] += pence
            by_line[tranche.line] += pence
            if tranche.due <= as_of:
                by_line_to_date[tranche.line] += pence
        return cls(dict(by_month), dict(by_line), dict(by_line_to_date))


def burndown(ledger: Ledger, options: ReportOptions) -> Burndown:
    as_of = options.as_of
    pending = tuple((d.id, d.approved) for d in ledger.not_yet_approved(as_of) if d.approved)
    ledger = ledger.known_on(as_of, options.forecasts_said_by)
    spend = spend_to_date(ledger, as_of)
    profile = Profile.of(ledger, as_of)

    budget = ledger.budget_total
    months = list(months_between(Month.of(ledger.start), Month.of(ledger.end)))
    planned_to_date = sum(profile.by_line_to_date.values())
    actual_to_date = sum(spend.by_month.values())
    planned_after = sum(profile.by_line.values()) - planned_to_date

    rate, run_rate_path = run_rate(spend.by_month, months, as_of)
    run_rate_forecast = run_rate_path[-1][1] if run_rate_path else actual_to_date
    forecast = actual_to_date + planned_after

    periods = _periods(months, profile.by_month, spend.by_month, budget, ledger, options)
    ended = as_of >= ledger.end  # from the contract's last day, RAG is against the budget
    treasurer = treasurer_lines(ledger, spend.by_line, as_of, spend.by_line_month)
    lines = _lines(ledger, spend, profile, treasurer, ended)
    said = [line for line in lines if line.treasurer_forecast is not None]
    treasurer_forecast = (
        forecast + sum((line.treasurer_forecast or 0) - line.forecast_outturn for line in said)
        if said
        else None
    )
    expected_to_date = planned_to_date + sum(
        treasurer[line.id].expected_to_date - line.planned_to_date for line in said
    )
    against = budget if ended else expected_to_date
    return Burndown(
        as_of=as_of,
        currency=ledger.currency,
        bucket=options.bucket,
        start=ledger.start,
        end=ledger.end,
        budget_total=budget,
        planned_to_date=planned_to_date,
        actual_to_date=actual_to_date,
        remaining=budget - actual_to_date,
        forecast_outturn=forecast,
        run_rate_forecast=run_rate_forecast,
        run_rate_monthly=rate,
        treasurer_forecast=treasurer_forecast,
        variance=(forecast if treasurer_forecast is None else treasurer_forecast) - budget,
        variance_to_profile=actual_to_date - planned_to_date,
        rag=rag_against_profile(actual_to_date, against, ledger.settings.rag),
        time_elapsed=time_elapsed(ledger.start, ledger.end, as_of),
        budget_spent=ratio(actual_to_date, budget),
        periods=periods,
        lines=lines,
        rag_basis="budget" if ended else "treasurer" if said else "profile",
        not_yet_approved=pending,
        rag_against=against,
    )


def time_elapsed(start: date, end: date, as_of: date) -> Decimal:
    """Share of the contract's days that have passed by the end of ``as_of``."""
    total = (end - start).days + 1
    passed = min(max((as_of - start).days + 1, 0), total)
    result = ratio(passed, total)
    return result if result is not None else Decimal(0)


def _last_complete_month_end(as_of: date) -> date:
    month = Month.of(as_of)
    return as_of if as_of == month.last_day else month.previous().last_day


def _actual_through(by_month: dict[Month, Pence], day: date) -> Pence:
    return sum(p for m, p in by_month.items() if m.last_day <= day)


def run_rate(
    by_month: dict[Month, Pence], months: list[Month], as_of: date
) -> tuple[Pence, tuple[tuple[date, Pence], ...]]:
    """The run rate (the average monthly spend of the last three complete months, to the
    penny, as shown) and the cumulative spend at it from the last complete month's end to
    every later month end of the contract. Each point is worked from the window's total
    and rounded once, never the rounded average times the months, so the last point is
    the run-rate outturn to the penny and the chart's path ends on it."""
    window = _run_rate_window(by_month, as_of)
    complete = _last_complete_month_end(as_of)
    base = _actual_through(by_month, complete)
    to_come = [m for m in months if m.first_day > complete]
    steps = [
        (m.last_day, base + round(Decimal(window) * (i + 1) / RUN_RATE_MONTHS))
        for i, m in enumerate(to_come)
    ]
    path = ((complete, base), *steps) if steps else ()
    return round(Decimal(window) / RUN_RATE_MONTHS), path


def _run_rate_window(by_month: dict[Month, Pence], as_of: date) -> Pence:
    """Spend over the last three complete months up to the as-of date (the run rate is
    its average)."""
    last = Month.of(_last_complete_month_end(as_of))
    window = [last]
    for _ in range(RUN_RATE_MONTHS - 1):
        window.append(window[-1].previous())
    return sum(by_month.get(m, 0) for m in window)


def _periods(
    months: list[Month],
    planned: dict[Month, Pence],
    actual: dict[Month, Pence],
    budget: Pence,
    ledger: Ledger,
    options: ReportOptions,
) -> tuple[PeriodRow, ...]:
    rows: list[PeriodRow] = []
    cumulative_planned = cumulative_actual = 0
    groups: dict[str, list[Month]] = {}
    for month in months:
        groups.setdefault(bucket_label(month, options.bucket), []).append(month)
    for label, members in groups.items():
        first, last = members[0], members[-1]
        planned_here = sum(planned.get(m, 0) for m in members)
        cumulative_planned += planned_here
        known = first.first_day <= options.as_of
        actual_here = sum(actual.get(m, 0) for m in members) if known else None
        if actual_here is not None:
            cumulative_actual += actual_here
        in_window = any(options.in_window(m) for m in members)
        if not in_window:
            continue
        rows.append(
            PeriodRow(
                label=label,
                first=first,
                last=last,
                planned=planned_here,
                actual=actual_here,
                cumulative_planned=cumulative_planned,
                cumulative_actual=cumulative_actual if known else None,
                remaining=budget - cumulative_actual if known else None,
                time_elapsed=time_elapsed(ledger.start, ledger.end, last.last_day),
                budget_spent=ratio(cumulative_actual, budget) if known else None,
            )
        )
    return tuple(rows)


def _lines(
    ledger: Ledger,
    spend: SpendTotals,
    profile: Profile,
    treasurer: dict[str, TreasurerLine],
    ended: bool,
) -> tuple[LineRow, ...]:
    """Each line's figures; its RAG against what was expected by then (the treasurer's
    forecast, else the profile), or against its budget once the contract has ended."""
    rows = []
    for line in ledger.line_budgets():
        actual = spend.by_line.get(line.id, 0)
        planned = profile.by_line_to_date.get(line.id, 0)
        forecast = actual + profile.by_line.get(line.id, 0) - planned
        said = treasurer.get(line.id)
        expected = planned if said is None else said.expected_to_date
        outturn = forecast if said is None else said.forecast_outturn
        rows.append(
            LineRow(
                id=line.id,
                decision=line.decision,
                name=line.name,
                kind=line.kind.value,
                original=line.original,
                budget=line.budget,
                planned_to_date=planned,
                actual_to_date=actual,
                remaining=line.budget - actual,
                forecast_outturn=forecast,
                treasurer_forecast=None if said is None else said.forecast_outturn,
                variance=outturn - line.budget,
                rag=rag_against_profile(
                    actual, line.budget if ended else expected, ledger.settings.rag
                ),
                rag_basis="budget" if ended else "treasurer" if said else "profile",
            )
        )
    return tuple(rows)
