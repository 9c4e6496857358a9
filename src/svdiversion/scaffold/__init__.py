"""The files of a new workspace, or of a new decision in an existing one, as text.

Pure: functions here take values and return ``{workspace-relative path: text}``; the
``init`` command decides where and whether to write them. What they write passes
``svdiversion check``: the one budget line is the decision total, its tranches are one
per month of the period dividing the line exactly to the penny, and its allocations
split it between the areas to the penny.

plan = plan_decision(service="CLIMB", reference="PCC/D/2025/12", total=28_800_000,
                     start=date(2025, 4, 1), end=date(2026, 3, 31), today=date.today())
files = new_workspace(plan, areas=None)

The decision's values and defaults are in :mod:`.plan`; the text of each file is in
:mod:`.texts`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from ..core.models import Area, EpisodeRow, TransactionRow, WorkshopRow
from .finance_text import finance_import_yaml
from .plan import (
    DEFAULT_MEASURES,
    DEFAULT_REFERENCE,
    DEFAULT_REFERRAL_SOURCES,
    DEFAULT_SERVICE,
    DEFAULT_TOTAL,
    PLACEHOLDER_AREA,
    PLACEHOLDER_NOTE,
    TO_CONFIRM,
    DecisionPlan,
    ScaffoldError,
    decision_id,
    financial_year,
    plan_decision,
)
from .texts import areas_yaml, contract_yaml, csv_header, decision_yaml, readme, settings_yaml

__all__ = [
    "DEFAULT_MEASURES",
    "DEFAULT_REFERENCE",
    "DEFAULT_REFERRAL_SOURCES",
    "DEFAULT_SERVICE",
    "DEFAULT_TOTAL",
    "PLACEHOLDER_AREA",
    "PLACEHOLDER_NOTE",
    "TO_CONFIRM",
    "DecisionPlan",
    "ScaffoldError",
    "decision_id",
    "extension",
    "financial_year",
    "new_workspace",
    "placeholder_area",
    "plan_decision",
]


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
        areas_text = areas_yaml(areas[0])
    measures = [m[0] for m in DEFAULT_MEASURES]
    return {
        "config/areas.yaml": areas_text,
        "config/settings.yaml": settings_yaml(plan.service),
        "config/finance-import.yaml": finance_import_yaml(plan.line_id),
        "ledger/contract.yaml": contract_yaml(plan, areas),
        "ledger/transactions.csv": csv_header(list(TransactionRow.model_fields)),
        "ledger/outcomes.csv": csv_header([*EpisodeRow.model_fields, *measures]),
        "ledger/workshops.csv": csv_header(list(WorkshopRow.model_fields)),
        "ledger/commentary.yaml": COMMENTARY_YAML,
        "ledger/forecasts.yaml": FORECASTS_YAML,
        "ledger/README.md": readme(plan, measures),
    }


COMMENTARY_YAML = """\
# The treasurer's explanation of each variance that needs one, by month and budget line:
# 'svdiversion reconcile' says which (see docs/reconcile.md). Once a month is closed its
# commentary is locked with its rows.
#
#   - month: 2025-09
#     budget_line: LINE
#     text: >-
#       Why the month's spend differs from the profile.
commentary: []
"""

FORECASTS_YAML = """\
# The treasurer's expected spend by month and budget line, where it differs from the
# profile (see docs/ledger-format.md). A report counts the entries said by its as-of date;
# a closed month's pack, those said by its close.
#
#   - budget_line: LINE
#     from: 2025-09
#     said_by: A. Treasurer
#     said_on: 2025-09-20
#     reason: Why the spend moves.
#     spend:
#       2025-09: 0.00
#       2025-10: 15000.00
forecasts: []
"""


def extension(
    plan: DecisionPlan, areas: Sequence[Area], taken: Collection[tuple[str, str]]
) -> tuple[str, str]:
    """``(path, text)`` of ``ledger/contract.d/<id>.yaml`` holding one new decision.

    ``taken`` holds the ``(kind, id)`` of every record already in the workspace
    (``Ledger.origins``); a new id that collides raises :class:`ScaffoldError`.
    """
    wanted = [
        ("decision", plan.id),
        *(("line", line) for line, _, _ in plan.delivery_lines()),
        *((("line", plan.evaluation_line_id),) if plan.evaluation else ()),
        *(("tranche", tranche_id) for tranche_id, _, _, _ in plan.tranches()),
        *(("tranche", tranche_id) for tranche_id, _, _ in plan.evaluation_tranches()),
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
        "decisions:\n" + decision_yaml(plan, areas)
    )
    return f"ledger/contract.d/{plan.id}.yaml", text
