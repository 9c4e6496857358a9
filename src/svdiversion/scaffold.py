"""The files of a new workspace, or of a new decision in an existing one, as text.

Pure: functions here take values and return ``{workspace-relative path: text}``; the
``init`` command decides where and whether to write them. What they write passes
``svdiversion check``: the one budget line is the decision total, its tranches are one
per month of the period dividing the line exactly to the penny, and its allocations
split it between the areas to the penny.

plan = plan_decision(service="CLIMB", reference="PCC/D/2025/12", total=28_800_000,
                     start=date(2025, 4, 1), end=date(2026, 3, 31), today=date.today())
files = new_workspace(plan, areas=None)
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from .core.fiscal import Month, months_between
from .core.models import Area, EpisodeRow, TransactionRow, WorkshopRow
from .core.money import Pence, format_money, format_pounds

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

    @property
    def line_id(self) -> str:
        return f"{self.id}-delivery"

    def tranches(self) -> list[tuple[str, date, Pence]]:
        """(id, due, pence): monthly in arrears, equal to the penny, remainder last."""
        months = list(months_between(Month.of(self.start), Month.of(self.end)))
        if self.total < len(months):
            months = months[-1:]
        share, remainder = divmod(self.total, len(months))
        result = []
        for index, month in enumerate(months):
            amount = share + (remainder if index == len(months) - 1 else 0)
            period = f"{month.fy_label.replace('/', '-')}-P{month.period:02d}"
            result.append((f"{self.id}-{period}", min(month.last_day, self.end), amount))
        return result

    def allocations(self, areas: Sequence[Area]) -> list[tuple[str, Pence]]:
        """(area, pence): the line split equally between the areas valid at the start."""
        chosen = [a.id for a in areas if a.valid_on(self.start)] or [a.id for a in areas]
        share, remainder = divmod(self.total, len(chosen))
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
        start, end = financial_year(today)
    elif start is None:
        assert end is not None
        start = financial_year(end)[0]
    elif end is None:
        end = financial_year(start)[1]
    if end < start:
        raise ScaffoldError(
            f"the period ends ({end}) before it starts ({start})", "correct --start or --end"
        )
    if total is not None and total <= 0:
        raise ScaffoldError(
            f"the total must be above zero, got {format_pounds(total)}",
            "give the approved amount, e.g. --total 288000.00",
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
    )


# ------------------------------------------------------------------ whole workspace


def placeholder_area(start: date) -> Area:
    return Area(
        id=PLACEHOLDER_AREA,
        name="Service area",
        local_authority=TO_CONFIRM,
        valid_from=start,
        source="placeholder written by svdiversion init",
        verified=False,
    )


def new_workspace(
    plan: DecisionPlan, areas_text: str | None, areas: Sequence[Area]
) -> dict[str, str]:
    """Every file of a new workspace. ``areas_text`` is a user's areas file, copied as it
    is (comments kept), and ``areas`` what it holds; ``None`` writes a placeholder area."""
    if areas_text is None:
        areas = [placeholder_area(plan.start)]
        areas_text = _areas_yaml(areas[0])
    measures = [m[0] for m in DEFAULT_MEASURES]
    return {
        "config/areas.yaml": areas_text,
        "config/settings.yaml": _settings_yaml(plan.service),
        "ledger/contract.yaml": _contract_yaml(plan, areas),
        "ledger/transactions.csv": _header(list(TransactionRow.model_fields)),
        "ledger/outcomes.csv": _header([*EpisodeRow.model_fields, *measures]),
        "ledger/workshops.csv": _header(list(WorkshopRow.model_fields)),
        "ledger/README.md": _readme(plan, measures),
    }


def extension(
    plan: DecisionPlan, areas: Sequence[Area], taken: Collection[tuple[str, str]]
) -> tuple[str, str]:
    """``(path, text)`` of ``ledger/contract.d/<id>.yaml`` holding one new decision.

    ``taken`` holds the ``(kind, id)`` of every record already in the workspace
    (``Ledger.origins``); a new id that collides raises :class:`ScaffoldError`.
    """
    wanted = [
        ("decision", plan.id),
        ("line", plan.line_id),
        *(("tranche", tranche_id) for tranche_id, _, _ in plan.tranches()),
    ]
    for kind, key in wanted:
        if (kind, key) in taken:
            raise ScaffoldError(
                f"a {kind} with id {key!r} is already recorded in this workspace",
                "give the new decision its own reference with --decision",
            )
    if not areas:
        raise ScaffoldError("the workspace has no areas", "add areas to config/areas.yaml first")
    text = (
        "# A further decision for this ledger, written by `svdiversion init --extension`.\n"
        "# It sits beside the earlier records, which are never edited. Values marked\n"
        f"# {PLACEHOLDER_NOTE!r} were not given: replace them from the decision notice.\n"
        "decisions:\n" + _decision_yaml(plan, areas)
    )
    return f"ledger/contract.d/{plan.id}.yaml", text


# ------------------------------------------------------------------ the texts


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML): never read as a number,
    a date or a boolean, whatever the user typed."""
    return json.dumps(text, ensure_ascii=False)


def _mark(plan: DecisionPlan, name: str, what: str) -> str:
    return f"  # {PLACEHOLDER_NOTE} with {what}" if name in plan.placeholders else ""


def _header(names: list[str]) -> str:
    return ",".join(names) + "\n"


def _areas_yaml(area: Area) -> str:
    return (
        "# Areas the service is delivered and reported in, with the dates each is valid for.\n"
        "# Written by `svdiversion init` with one placeholder area: replace it with the real\n"
        "# areas (an area that is merged or split names its successor). Transactions,\n"
        "# referrals and sessions name an area by its id.\n"
        "areas:\n"
        f"  - id: {_q(area.id)}\n"
        f"    name: {_q(area.name)}\n"
        f"    local_authority: {_q(area.local_authority)}\n"
        f"    valid_from: {area.valid_from.isoformat()}\n"
        f"    source: {_q(area.source or '')}\n"
        "    verified: false\n"
    )


def _settings_yaml(service: str) -> str:
    sources = ", ".join(DEFAULT_REFERRAL_SOURCES)
    return (
        "# Settings for this workspace. Every key is optional; the values below are the\n"
        "# defaults. See docs/ledger-format.md.\n"
        f"service_name: {_q(service)}\n"
        "\n"
        "# Pseudonymous child reference from the provider's case system: never a name.\n"
        'cyp_ref_pattern: "^CYP-[0-9]{5}$"\n'
        "\n"
        "# Eligibility: the ages the service is for.\n"
        "age_min: 10\n"
        "age_max: 17\n"
        "\n"
        "# Where referrals come from (any other value in ledger/outcomes.csv is an error).\n"
        f"referral_sources: [{sources}]\n"
        "\n"
        "workshop_kinds: [steer_clear_group, parent_session, professional_training]\n"
        "\n"
        "# Protective marking printed on every exported return.\n"
        "protective_marking: OFFICIAL-SENSITIVE\n"
        "\n"
        "# RAG against profile: green within 5%, amber within 10%, red beyond.\n"
        "rag:\n"
        "  green: 0.05\n"
        "  amber: 0.10\n"
        "\n"
        "# Disclosure control for published counts about children: counts 1 to 4 shown as\n"
        "# [c], others rounded to 5, secondary suppression, rates only on 20 or more.\n"
        "disclosure:\n"
        "  suppress_below: 5\n"
        "  round_to: 5\n"
        "  min_rate_denominator: 20\n"
        "  secondary_suppression: true\n"
        '  suppressed_symbol: "[c]"\n'
    )


def _contract_yaml(plan: DecisionPlan, areas: Sequence[Area]) -> str:
    lines = [
        "# The funding decisions this ledger accounts for, written by `svdiversion init`.",
        f"# Values marked {PLACEHOLDER_NOTE!r} were not given to init: replace them from the",
        "# decision notice. Later decisions and variations go in ledger/contract.d/*.yaml",
        "# (`svdiversion init --extension`): nothing here is edited once recorded.",
        "decisions:",
    ]
    text = "\n".join(lines) + "\n" + _decision_yaml(plan, areas)
    text += (
        "\n# The outcomes framework: each measure is a column of ledger/outcomes.csv holding\n"
        "# Y, N or empty (not yet assessed). Add a target (a share, e.g. 0.70) to report\n"
        "# against it.\n"
        "outcome_framework:\n"
        "  measures:\n"
    )
    for measure, name, better, description in DEFAULT_MEASURES:
        text += f"    - id: {measure}\n      name: {_q(name)}\n      better: {better}\n"
        if description:
            text += f"      description: {_q(description)}\n"
    return text


def _decision_yaml(plan: DecisionPlan, areas: Sequence[Area]) -> str:
    line = plan.line_id
    money = format_money(plan.total)
    rows = [
        f"  - id: {_q(plan.id)}",
        f"    reference: {_q(plan.reference)}{_mark(plan, 'reference', 'its reference')}",
        f"    title: {_q(plan.service)}{_mark(plan, 'service', 'the service name')}",
        f"    service: {_q(plan.service)}{_mark(plan, 'service', 'the service name')}",
        f"    commissioner: {_q(TO_CONFIRM)}  # {PLACEHOLDER_NOTE} with who approved it",
        f"    provider: {_q(TO_CONFIRM)}  # {PLACEHOLDER_NOTE} with who delivers it",
        f"    funding_source: {_q(TO_CONFIRM)}  # {PLACEHOLDER_NOTE} with the fund it comes from",
        "    currency: GBP",
        f"    total: {money}{_mark(plan, 'total', 'the approved total')}",
        f"    start: {plan.start.isoformat()}{_mark(plan, 'period', 'the contract start')}",
        f"    end: {plan.end.isoformat()}{_mark(plan, 'period', 'the contract end')}",
        "",
        "    # One delivery line holding the whole total. Split it as the decision does",
        "    # (evaluation, an explicit unallocated remainder...): lines sum to the total.",
        "    lines:",
        f"      - id: {_q(line)}",
        f"        name: {_q('Service delivery')}",
        "        kind: delivery",
        f"        amount: {money}",
        "",
        "    # The delivery line split equally between the areas valid when the contract",
        "    # starts: replace with the agreed split (allocations must not exceed the line).",
        "    allocations:",
        *(
            f"      - {{line: {_q(line)}, area: {_q(area)}, amount: {format_money(amount)}}}"
            for area, amount in plan.allocations(areas)
        ),
        "",
        "    # Planned payments: the line monthly in arrears, equal to the penny with the",
        "    # remainder in the last month. Tranches must sum to their line.",
        "    tranches:",
        *(
            f"      - {{id: {_q(tranche)}, line: {_q(line)}, due: {due.isoformat()}, "
            f"amount: {format_money(amount)}}}"
            for tranche, due, amount in plan.tranches()
        ),
    ]
    return "\n".join(rows) + "\n"


def _readme(plan: DecisionPlan, measures: list[str]) -> str:
    return f"""# Ledger: {plan.service}

The files of this folder are the ledger of the service; `config/` beside it holds the
areas and settings. Every change is checked with `svdiversion check`, which reports
each problem with its file, line and column.

- `contract.yaml`: the funding decision (total, period, budget lines, area allocations,
  tranches that make the payment profile) and the outcomes framework.
- `contract.d/*.yaml`: later decisions and variations, each in a file of its own; earlier
  records are never edited.
- `transactions.csv`: money, one row per payment, accrual, reversal or refund, in signed
  pounds with at most two decimals.
- `outcomes.csv`: one row per referral episode of a child, by pseudonymous reference
  (never a name); the measure columns ({", ".join(measures)})
  hold Y, N or empty.
- `workshops.csv`: one row per group session, with attendance counts.

Rules that keep the ledger safe to share and to publish:

- Money is plain pounds and pence (`1234.50`, `-25.00`): no currency symbol, no thousands separator.
- Dates are `YYYY-MM-DD`.
- A recorded row is never edited to correct it: add a reversal with a new id.
- No names, addresses, dates of birth, emails or phone numbers anywhere.

Commands:

    svdiversion check                  # every problem, located; exit 1 if any error
    svdiversion init --extension . --decision REF --total AMOUNT --start DATE --end DATE
                                       # add a further decision in contract.d/

The decision `{plan.reference}` runs from {plan.start.isoformat()} to {plan.end.isoformat()}
with a total of {format_pounds(plan.total)}.
"""
