"""Each report in each format: the terminal, JSON, CSV and Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from ..core.sheet import Sheet
from ..reports import outcome_report
from ..reports.disclosure import Disclosure
from ..reports.documents import areas_json, burndown_json, outcomes_document, vfm_json
from ..reports.sheets import areas_sheet, burndown_sheets, vfm_sheets
from .json_reports import dumps
from .tabular import sheet_csv, sheets_markdown

if TYPE_CHECKING:  # a report's modules are loaded by the command that computes it
    from ..finance.reconcile import Reconciliation
    from ..reports.areas import AreasReport
    from ..reports.pack import MonthlyPack
    from ..reports.vfm import VfmReport

MonthEnd: TypeAlias = "tuple[Reconciliation | None, str | None] | None"
"""For a pack of one month: its reconciliation, or why there is none (``None``: not asked)."""

INTERNAL = "INTERNAL - NOT FOR PUBLICATION: exact counts about children."
PUBLISHED = "Published figures: disclosure control applied (see the notes under each table)."


def _text(
    fmt: str, sheets: list[Sheet], document: dict[str, Any], heading: str, preamble: list[str]
) -> str:
    if fmt == "json":
        return dumps(document)
    if fmt == "csv":
        return sheet_csv(sheets[0])
    return sheets_markdown(sheets, heading, preamble)


def _marking(disclosure: Disclosure) -> list[str]:
    return [INTERNAL if disclosure is Disclosure.INTERNAL else PUBLISHED]


# ------------------------------------------------------------------------------- areas


def areas_text(report: AreasReport, disclosure: Disclosure, fmt: str) -> str:
    return _text(
        fmt,
        [areas_sheet(report)],
        areas_json(report, disclosure.value),
        "Areas",
        _marking(disclosure),
    )


def print_areas(report: AreasReport, disclosure: Disclosure, width: int | None) -> None:
    from .console import banner, make_console, sheets_group, show

    console = make_console(width)
    console.print(banner(disclosure is Disclosure.INTERNAL))
    show(console, sheets_group([areas_sheet(report)]))


# --------------------------------------------------------------------------------- vfm


def vfm_text(report: VfmReport, fmt: str) -> str:
    sheets = vfm_sheets(report)
    return _text(fmt, sheets, vfm_json(report), "Value for money", _marking(report.disclosure))


def print_vfm(report: VfmReport, width: int | None) -> None:
    from .console import banner, make_console, sheets_group, show

    console = make_console(width)
    console.print(banner(report.disclosure is Disclosure.INTERNAL))
    show(console, sheets_group(vfm_sheets(report)))


# -------------------------------------------------------------------------------- pack


def _status(pack: MonthlyPack) -> str:
    state = "passes" if pack.errors == 0 else "FAILS"
    return (
        f"Ledger check {state}: {pack.errors} error{'s' * (pack.errors != 1)}, "
        f"{pack.warnings} warning{'s' * (pack.warnings != 1)}."
    )


def pack_sheets(pack: MonthlyPack, month_end: MonthEnd = None) -> list[Sheet]:
    from ..reports.outcome_sheets import outcomes_sheets
    from .trends import emerging_sheet

    outcome_sheets = outcomes_sheets(pack.outcomes)
    return [
        *burndown_sheets(pack.burndown),
        areas_sheet(pack.areas),
        *outcome_sheets,
        emerging_sheet(pack.trends),
        *vfm_sheets(pack.vfm),
        *_month_end_sheets(month_end),
    ]


def pack_json(pack: MonthlyPack, month_end: MonthEnd = None) -> dict[str, Any]:
    from .finance import reconciliation_json
    from .trends import emerging_json

    rec, note = month_end or (None, None)
    return {
        "service": pack.service,
        "as_of": pack.burndown.as_of.isoformat(),
        "check": {"errors": pack.errors, "warnings": pack.warnings},
        "disclosure": pack.disclosure.value,
        "burndown": burndown_json(pack.burndown),
        "areas": areas_json(pack.areas, pack.disclosure.value),
        "outcomes": outcomes_document(pack.outcomes),
        "emerging_trends": emerging_json(pack.trends),
        "vfm": vfm_json(pack.vfm),
        "reconciliation": reconciliation_json(rec) if rec else None,
        "reconciliation_note": note,
    }


def pack_text(pack: MonthlyPack, fmt: str, month_end: MonthEnd = None) -> str:
    heading = f"{pack.service}: monthly pack as of {pack.burndown.as_of}"
    return _text(
        fmt,
        pack_sheets(pack, month_end),
        pack_json(pack, month_end),
        heading,
        [_status(pack), *_marking(pack.disclosure)],
    )


def _month_end_sheets(month_end: MonthEnd) -> list[Sheet]:
    """The month's reconciliation, its status and whether it is closed in the first note;
    or one sheet-less note saying why it is not in the pack."""
    from .finance import closed_text, reconciliation_sheets, summary

    rec, note = month_end or (None, None)
    if rec is None:
        if not note:
            return []
        return [Sheet("reconciliation", "Reconciliation", (), [], notes=[note])]
    sheets = reconciliation_sheets(rec)
    sheets[0].notes[:0] = [summary(rec), f"{rec.month} is {closed_text(rec)}."]
    return sheets


def print_pack(pack: MonthlyPack, width: int | None, month_end: MonthEnd = None) -> None:
    from .burndown_view import print_burndown
    from .console import make_console
    from .finance import print_reconciliation, summary
    from .registered import print_registered
    from .trends import print_emerging

    console = make_console(width)
    console.rule(f"[bold]{pack.service}[/bold]: monthly pack as of {pack.burndown.as_of}")
    console.print(_status(pack), style="green" if pack.errors == 0 else "bold red")
    console.print()
    print_burndown(pack.burndown, width)
    console.rule("Areas")
    print_areas(pack.areas, pack.disclosure, width)
    console.rule("Outcomes")
    print_registered(outcome_report.REPORT, pack.outcomes, pack.disclosure, width)
    console.rule("Emerging trends")
    print_emerging(pack.trends, width)
    console.print()
    console.rule("Value for money")
    print_vfm(pack.vfm, width)
    rec, note = month_end or (None, None)
    if rec is not None or note:
        console.rule("Reconciliation")
    if rec is not None:
        print_reconciliation(rec, width)
        console.print(summary(rec))
    elif note:
        console.print(note)
