"""One decision to scaffold: what was given, with defaults for what was not.

:func:`plan_decision` fills the gaps (the current financial year, a placeholder total
and reference) and refuses what cannot make a valid workspace; a :class:`DecisionPlan`
splits its total into monthly tranches and area allocations exact to the penny.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..core.fiscal import Month, months_between
from ..core.models import Area
from ..core.money import Pence, format_pounds

DEFAULT_SERVICE = "New service"
DEFAULT_REFERENCE = "DECISION-1"
DEFAULT_TOTAL: Pence = 1_200_000  # £12,000.00, a placeholder to replace
TO_CONFIRM = "To be confirmed"
PLACEHOLDER_AREA = "service_area"

# The outcomes framework of the decision notice PCC/D/2023/24: a starting point that a
# new service edits (measures are configuration, not code).
DEFAULT_MEASURES: tuple[tuple[str, str, str, str], ...] = (
    ("risk_reduction", "Risk reduction", "higher", ""),
    ("increased_awareness", "Increased awareness", "higher", ""),
    ("positive_activity", "Diversion into positive activity", "higher", ""),
    ("progress_key_areas", "Progress in key areas of life", "higher", ""),
    (
        "entered_cjs",
        "Entered the criminal justice system",
        "lower",
        "The child entered the criminal justice system during or after the episode",
    ),
)

DEFAULT_REFERRAL_SOURCES = (
    "police",
    "school",
    "youth_justice",
    "childrens_social_care",
    "early_help",
    "health",
    "parent_carer",
    "community",
)

PLACEHOLDER_NOTE = "placeholder: replace"


class ScaffoldError(Exception):
    """What was asked cannot make a valid workspace; ``hint`` says what to do instead."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True, slots=True)
class DecisionPlan:
    """One decision to write: what was given, with defaults for the rest.

    ``placeholders`` names the values that were not given (``reference``, ``total``,
    ``period``, ``service``), so the file can mark them for the user to replace.
    """

    id: str
    reference: str
    service: str
    total: Pence
    start: date
    end: date
    placeholders: frozenset[str]
    tranches_every: str = "month"  # month or quarter: how often the line is paid
    evaluation: Pence = 0
    """An independent evaluation's share of the total: a line of its own, paid at the end."""
    due_dates: tuple[date, ...] = ()
    """Custom tranche dates (``--tranche-on``): each delivery line paid in equal tranches
    on these days instead of each month or quarter."""
    named_lines: tuple[tuple[str, Pence], ...] = ()
    """Delivery lines by name and amount (``--line``); none: one line holding the total
    less the evaluation."""

    @property
    def line_id(self) -> str:
        """The first delivery line's id."""
        return self.delivery_lines()[0][0]

    def delivery_lines(self) -> list[tuple[str, str, Pence]]:
        """(id, name, pence) of each delivery line."""
        if not self.named_lines:
            return [(f"{self.id}-delivery", "Service delivery", self.delivery)]
        return [(f"{self.id}-{line_slug(name)}", name, pence) for name, pence in self.named_lines]

    @property
    def evaluation_line_id(self) -> str:
        return f"{self.id}-evaluation"

    @property
    def delivery(self) -> Pence:
        """What the delivery line holds: the total less the evaluation."""
        return self.total - self.evaluation

    def evaluation_tranches(self) -> list[tuple[str, date, Pence]]:
        """(id, due, pence): the evaluation line in one payment on the period's last day
        (reprofile it in ledger/forecasts.yaml when the evaluation contract says when)."""
        if not self.evaluation:
            return []
        return [(f"{self.id}-evaluation-final", self.end, self.evaluation)]

    def tranches(self) -> list[tuple[str, str, date, Pence]]:
        """(id, line, due, pence) of each delivery line: in arrears, each month or each
        financial quarter (the part of it inside the period), equal to the penny,
        remainder last. With one line a tranche is named by the decision and the period;
        with several, by the line and the period."""
        found = []
        lines = self.delivery_lines()
        for line, _, pence in lines:
            prefix = self.id if len(lines) == 1 else line
            found += [(f"{prefix}-{label}", line, due, amount)
                      for label, due, amount in self._profile(pence)]  # fmt: skip
        return found

    def _profile(self, pence: Pence) -> list[tuple[str, date, Pence]]:
        if self.due_dates:
            days = list(self.due_dates) if pence >= len(self.due_dates) else [self.due_dates[-1]]
            share, remainder = divmod(pence, len(days))
            return [
                (day.isoformat(), day, share + (remainder if i == len(days) - 1 else 0))
                for i, day in enumerate(days)
            ]
        months = list(months_between(Month.of(self.start), Month.of(self.end)))
        groups: dict[str, list[Month]] = {}
        for month in months:
            fy = month.fy_label.replace("/", "-")
            key = (
                f"{fy}-P{month.period:02d}"
                if self.tranches_every == "month"
                else (f"{fy}-Q{(month.period - 1) // 3 + 1}")
            )
            groups.setdefault(key, []).append(month)
        periods = list(groups.items())
        if pence < len(periods):
            periods = periods[-1:]
        share, remainder = divmod(pence, len(periods))
        result = []
        for index, (label, members) in enumerate(periods):
            amount = share + (remainder if index == len(periods) - 1 else 0)
            result.append((label, min(members[-1].last_day, self.end), amount))
        return result

    def allocations(self, areas: Sequence[Area]) -> list[tuple[str, str, Pence]]:
        """(line, area, pence): each delivery line split equally between the areas valid
        at the start (the evaluation is not an area's)."""
        chosen = [a.id for a in areas if a.valid_on(self.start)] or [a.id for a in areas]
        found = []
        for line, _, pence in self.delivery_lines():
            share, remainder = divmod(pence, len(chosen))
            found += [
                (line, area, share + (remainder if index == len(chosen) - 1 else 0))
                for index, area in enumerate(chosen)
            ]
        return found


def line_slug(name: str) -> str:
    """A line id's tail from its name: ``Steer Clear groups`` -> ``steer-clear-groups``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].rstrip("-") or "line"


def decision_id(reference: str) -> str:
    """An id (and file name) from a decision reference: ``PCC/D/2025/12`` -> ``PCC-D-2025-12``."""
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", reference).strip("-_.")[:48].rstrip("-_.")
    return slug or "decision"


def financial_year(day: date) -> tuple[date, date]:
    """1 April to 31 March of the financial year holding ``day``."""
    first = Month.of(day).fy_start
    return date(first, 4, 1), date(first + 1, 3, 31)


def plan_decision(
    *,
    service: str | None,
    reference: str | None,
    total: Pence | None,
    start: date | None,
    end: date | None,
    today: date,
    tranches_every: str = "month",
    evaluation: Pence | None = None,
    lines: Sequence[tuple[str, Pence]] = (),
    due_dates: Sequence[date] = (),
) -> DecisionPlan:
    """Fill what was not given: the current financial year, a placeholder total and reference.

    Raises :class:`ScaffoldError` for a period that ends before it starts or a total
    that is not positive.
    """
    placeholders = {
        name
        for name, value in (("service", service), ("reference", reference), ("total", total))
        if value is None
    }
    if start is None and end is None:
        placeholders.add("period")
    start, end = _period(start, end, today)
    if end < start:
        raise ScaffoldError(
            f"the period ends ({end}) before it starts ({start})", "correct --start or --end"
        )
    if total is not None and total <= 0:
        raise ScaffoldError(
            f"the total must be above zero, got {format_pounds(total)}",
            "give the approved amount, e.g. --total 288000.00",
        )
    whole = total if total is not None else DEFAULT_TOTAL
    if evaluation is not None and not 0 < evaluation < whole:
        raise ScaffoldError(
            f"the evaluation must be above zero and below the total of {format_pounds(whole)}, "
            f"got {format_pounds(evaluation)}",
            "give the evaluation's share of the total, e.g. --evaluation 50000",
        )
    _check_lines(lines, whole, evaluation or 0)
    _check_due_dates(due_dates, start, end)
    reference = reference if reference is not None else DEFAULT_REFERENCE
    return DecisionPlan(
        id=decision_id(reference),
        reference=reference,
        service=service if service is not None else DEFAULT_SERVICE,
        total=total if total is not None else DEFAULT_TOTAL,
        start=start,
        end=end,
        placeholders=frozenset(placeholders),
        tranches_every=tranches_every,
        evaluation=evaluation or 0,
        named_lines=tuple(lines),
        due_dates=tuple(sorted(due_dates)),
    )


def _check_due_dates(due_dates: Sequence[date], start: date, end: date) -> None:
    """Custom tranche dates: each within the period, none twice."""
    outside = sorted(d for d in due_dates if not start <= d <= end)
    if outside:
        raise ScaffoldError(
            f"a tranche date ({outside[0]}) is outside the period {start} to {end}",
            "give --tranche-on dates within --start and --end",
        )
    if len(set(due_dates)) != len(due_dates):
        raise ScaffoldError("a tranche date is given twice", "give each --tranche-on date once")


def _check_lines(lines: Sequence[tuple[str, Pence]], total: Pence, evaluation: Pence) -> None:
    """Named delivery lines: each above zero, ids distinct, adding up with the evaluation
    to the total."""
    if not lines:
        return
    slugs = [line_slug(name) for name, _ in lines]
    repeated = sorted({s for s in slugs if slugs.count(s) > 1})
    if repeated:
        raise ScaffoldError(
            f"two lines would have the same id ({', '.join(repeated)})",
            "give each --line a name of its own",
        )
    if any(pence <= 0 for _, pence in lines):
        raise ScaffoldError("a line's amount must be above zero", "e.g. --line 'Groups=120000'")
    given = sum(pence for _, pence in lines) + evaluation
    if given != total:
        what = "the lines and the evaluation add" if evaluation else "the lines add"
        raise ScaffoldError(
            f"{what} up to {format_pounds(given)}, but the total is {format_pounds(total)}",
            "make the --line amounts (with --evaluation) sum to --total",
        )


def _period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """The period asked for, a missing end filled from the financial year of the other."""
    if start is not None and end is not None:
        return start, end
    if start is not None:
        return start, financial_year(start)[1]
    if end is not None:
        return financial_year(end)[0], end
    return financial_year(today)
