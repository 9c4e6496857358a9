"""``svdiversion disclosure-audit``: attack every published release before anyone else does."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from ..clock import today
from .common import EXIT_PROBLEMS, AsOf
from .report_options import report_ledger


class AuditFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def disclosure_audit(
    ctx: typer.Context,
    as_of: AsOf = None,
    output: Annotated[
        AuditFormat, typer.Option("--format", "-f", help="text for people, json for CI.")
    ] = AuditFormat.TEXT,
) -> None:
    """Attack every published release to --as-of, as a reader who kept them all would.

    Every period-end release from the contract's start is held together with every sum
    within and between them; every window is checked to be the difference of the
    releases at its ends. Lists what an adversary derives of the hidden counts closest
    to being known; exits 1 if any count about children is exposed. Writes no file.

    Example: svdiversion disclosure-audit --as-of 2025-03-31
    """
    from ..render.disclosure_audit import audit_json, audit_text
    from ..reports.audit.report import disclosure_audit as attack

    ledger, _ = report_ledger(ctx)
    report = attack(ledger, as_of or today())
    sys.stdout.write(audit_json(report) if output is AuditFormat.JSON else audit_text(report))
    if not report.safe:
        raise typer.Exit(EXIT_PROBLEMS)
