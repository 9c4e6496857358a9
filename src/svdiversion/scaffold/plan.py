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

    @property
    def line_id(self) -> str:
        return f"{self.id}-delivery"

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

    def tranches(self) -> list[tuple[str, date, Pence]]:
        """(id, due, pence) of the delivery line: in arrears, each month or each financial
        quarter (the part of it inside the period), equal to the penny, remainder last."""
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
        if self.delivery < len(periods):
            periods = periods[-1:]
        share, remainder = divmod(self.delivery, len(periods))
        result = []
        for index, (label, members) in enumerate(periods):
            amount = share + (remainder if index == len(periods) - 1 else 0)
            result.append((f"{self.id}-{label}", min(members[-1].last_day, self.end), amount))
        return result

    def allocations(self, areas: Sequence[Area]) -> list[tuple[str, Pence]]:
        """(area, pence): the delivery line split equally between the areas valid at the
        start (the evaluation is not an area's)."""
        chosen = [a.id for a in areas if a.valid_on(self.start)] or [a.id for a in areas]
        share, remainder = divmod(self.delivery, len(chosen))
        return [
            (area, share + (remainder if index == len(chosen) - 1 else 0))
            for index, area in enumerate(chosen)
        ]


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
