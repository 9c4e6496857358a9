"""The text of each file a new workspace or decision starts with: YAML that keeps the
user's values as strings, comments that say what to replace, and the ledger's README."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..core.models import Area
from ..core.money import format_money, format_pounds
from .plan import (
    DEFAULT_MEASURES,
    DEFAULT_REFERRAL_SOURCES,
    PLACEHOLDER_NOTE,
    TO_CONFIRM,
    DecisionPlan,
)


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML): never read as a number,
    a date or a boolean, whatever the user typed."""
    return json.dumps(text, ensure_ascii=False)


def _mark(plan: DecisionPlan, name: str, what: str) -> str:
    return f"  # {PLACEHOLDER_NOTE} with {what}" if name in plan.placeholders else ""


def csv_header(names: list[str]) -> str:
    return ",".join(names) + "\n"


def areas_yaml(area: Area) -> str:
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


def settings_yaml(service: str) -> str:
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


def contract_yaml(plan: DecisionPlan, areas: Sequence[Area]) -> str:
    lines = [
        "# The funding decisions this ledger accounts for, written by `svdiversion init`.",
        f"# Values marked {PLACEHOLDER_NOTE!r} were not given to init: replace them from the",
        "# decision notice. Later decisions and variations go in ledger/contract.d/*.yaml",
        "# (`svdiversion init --extension`): nothing here is edited once recorded.",
        "decisions:",
    ]
    text = "\n".join(lines) + "\n" + decision_yaml(plan, areas)
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


def decision_yaml(plan: DecisionPlan, areas: Sequence[Area]) -> str:
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
        *_lines_yaml(plan),
        "",
        "    # Each delivery line split equally between the areas valid when the contract",
        "    # starts: replace with the agreed split (allocations must not exceed the line).",
        "    allocations:",
        *(
            f"      - {{line: {_q(line)}, area: {_q(area)}, amount: {format_money(amount)}}}"
            for line, area, amount in plan.allocations(areas)
        ),
        "",
        f"    # Planned payments: each delivery line {_every(plan)}, equal to the",
        "    # penny with the remainder in the last. Tranches must sum to their line.",
        "    tranches:",
        *(
            f"      - {{id: {_q(tranche)}, line: {_q(line)}, due: {due.isoformat()}, "
            f"amount: {format_money(amount)}}}"
            for tranche, line, due, amount in plan.tranches()
        ),
        *(
            f"      - {{id: {_q(tranche)}, line: {_q(plan.evaluation_line_id)}, "
            f"due: {due.isoformat()}, amount: {format_money(amount)}}}"
            for tranche, due, amount in plan.evaluation_tranches()
        ),
    ]
    return "\n".join(rows) + "\n"


def _every(plan: DecisionPlan) -> str:
    if plan.due_dates:
        return "on the dates given"
    if plan.tranches_every == "quarter":
        return "each financial quarter in arrears"
    return "monthly in arrears"


def _lines_yaml(plan: DecisionPlan) -> list[str]:
    """The budget lines: delivery, and the evaluation when one is given; they sum to the
    total."""
    delivery = [
        row
        for line, name, pence in plan.delivery_lines()
        for row in (
            f"      - id: {_q(line)}",
            f"        name: {_q(name)}",
            "        kind: delivery",
            f"        amount: {format_money(pence)}",
        )
    ]
    if plan.named_lines:
        return [
            "    # The delivery lines given, and the evaluation when there is one (paid at the",
            "    # end: reprofile it in ledger/forecasts.yaml). Lines sum to the total.",
            "    lines:",
            *delivery,
            *_evaluation_line(plan),
        ]
    if not plan.evaluation:
        return [
            "    # One delivery line holding the whole total. Split it as the decision does",
            "    # (evaluation, an explicit unallocated remainder...): lines sum to the total.",
            "    lines:",
            *delivery,
        ]
    return [
        "    # Delivery, and the independent evaluation (paid at the end: reprofile it in",
        "    # ledger/forecasts.yaml when its contract says when). Lines sum to the total.",
        "    lines:",
        *delivery,
        *_evaluation_line(plan),
    ]


def _evaluation_line(plan: DecisionPlan) -> list[str]:
    if not plan.evaluation:
        return []
    return [
        f"      - id: {_q(plan.evaluation_line_id)}",
        f"        name: {_q('Independent evaluation')}",
        "        kind: evaluation",
        f"        amount: {format_money(plan.evaluation)}",
    ]


def readme(plan: DecisionPlan, measures: list[str]) -> str:
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
