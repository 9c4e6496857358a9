"""What the month-end commands (``import``, ``reconcile``, ``close``, ``reopen``) share:
the month option and its span, the ledger lock, the finance inputs, stopping with
located problems."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from ..core.closes import closed_months
from ..core.fiscal import Month
from ..core.ledger import Ledger
from ..core.models import MonthClose
from ..core.problems import UNREADABLE_CODES, Problem, sort_problems
from ..load.excerpts import locate
from ..lock import LockUnavailable, ledger_lock
from ..render.problems import problems_text
from ..reports.options import ReportOptions
from .common import EXIT_USAGE, exit_code, fail, load_clean, parse_month_option, workspace_root
from .state import say

if TYPE_CHECKING:  # the finance modules are imported by the commands that read exports
    from ..finance.importer import Export
    from ..finance.mapping import FinanceConfig
    from ..finance.reconcile import Reconciliation

MonthOption = Annotated[
    Month,
    typer.Option(
        "--month", parser=parse_month_option, metavar="YYYY-MM", help="The month, e.g. 2024-09."
    ),
]
ByOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        metavar="NAME",
        help="Who is doing it. Default: $SVDIVERSION_USER, then $USER.",
    ),
]


@dataclass(frozen=True, slots=True)
class FinanceInputs:
    """The mapping and the exports read (none when no export is there yet); the problems
    that stop the command, and the warnings shown before it goes on."""

    config: FinanceConfig
    exports: list[Export]
    problems: list[Problem]
    pattern: str
    warnings: list[Problem]  # the mapping's files pattern, for the "no export yet" message


@contextmanager
def writing(ctx: typer.Context) -> Iterator[None]:
    """The ledger lock for a command's whole read-modify-write (see svdiversion.lock)."""
    try:
        with ledger_lock(workspace_root(ctx)):
            yield
    except LockUnavailable as exc:
        fail(
            f"{exc}; nothing was recorded",
            "wait for the other command to finish (or check the folder's permissions), "
            "then run this again",
        )


def who(by: str | None) -> str:
    name = by or os.environ.get("SVDIVERSION_USER") or os.environ.get("USER") or ""
    if not name.strip():
        fail("say who you are with --by NAME", "or set SVDIVERSION_USER in the environment")
    return name.strip()


def clean_ledger(ctx: typer.Context, as_of: date | None) -> Ledger:
    return load_clean(ctx, as_of).ledger


def within_contract(ledger: Ledger, month: Month) -> None:
    """A month outside the contract's span is a usage error (exit 2) naming the span."""
    if not ledger.decisions:
        return
    first, last = Month.of(ledger.start), Month.of(ledger.end)
    if not first.index <= month.index <= last.index:
        after = (
            f"; a payment made after the contract for work within it is accrued on its last "
            f"day: 'svdiversion import --month {last}' lists each with the accruals to add"
            if month.index > last.index
            else ""
        )
        fail(
            f"{month} is outside the contract, which runs from {first} to {last}",
            f"give a month from {first} to {last}{after}",
            EXIT_USAGE,
        )


def finance_inputs(
    ctx: typer.Context,
    month: Month,
    payments: list[Path] | None,
    budget_lines: set[str] | None = None,
) -> FinanceInputs:
    """Read the mapping (stopping when it cannot be read) and every export, for ``month``:
    a bad row of another month is a warning (W602), not a problem that stops it."""
    from ..finance.importer import read_export
    from ..finance.mapping import export_files, load_config

    root = workspace_root(ctx)
    config, problems = load_config(root, budget_lines)
    if config is None:
        stop(root, problems, "the finance export mapping cannot be read")
    if payments:
        files = [(path, str(path)) for path in payments]
    else:
        files = [(p, p.relative_to(root).as_posix()) for p in export_files(root, config)]
    exports: list[Export] = []
    for path, display in files:
        export, found = read_export(path, display, config.mapping_for(display), month)
        problems += found
        if export is not None:
            exports.append(export)
    errors = [p for p in problems if p.is_error]
    warnings = sort_problems(p for p in problems if not p.is_error)
    return FinanceInputs(config, exports, errors, config.patterns, warnings)


def no_export_yet(inputs: FinanceInputs) -> bool:
    return not inputs.exports and not inputs.problems


def show_warnings(inputs: FinanceInputs) -> None:
    """The finance inputs' warnings on stderr: they do not stop the command."""
    sys.stderr.write(problems_text(inputs.warnings))


def say_no_export(inputs: FinanceInputs, option: str = "--payments") -> None:
    sys.stderr.write(
        f"no finance export yet: {inputs.pattern} matches no file; save the finance "
        f"system's payments export there, or pass {option} FILE\n"
    )


def stop(root: Path, problems: list[Problem], message: str, code: int | None = None) -> NoReturn:
    """Show located problems on stderr and stop: 2 when a file cannot be read at all."""
    # Export problems carry their excerpt already (decoded in the export's encoding);
    # YAML problems get theirs here.
    from ..finance.importer import UNREADABLE_EXPORT_CODES

    yaml = [p for p in problems if not p.excerpt and p.path.endswith((".yaml", ".yml"))]
    shown = sort_problems([p for p in problems if p not in yaml] + locate(root, yaml))
    sys.stderr.write(problems_text(shown))
    if code is None:
        code = exit_code(problems, unreadable=UNREADABLE_CODES | UNREADABLE_EXPORT_CODES)
    fail(f"{message} ({len(shown)} problem{'s' * (len(shown) != 1)})", "", code)


def window_reconciliation(
    ctx: typer.Context, ledger: Ledger, options: ReportOptions
) -> tuple[Reconciliation | None, str | None]:
    """For a report window of one month: the month's reconciliation when the finance
    export has payments in it and the finance inputs read cleanly; else ``None`` and a
    line saying why (``None`` too when the window is not one month). A closed month is
    reconciled with the exports its close recorded, when they are there unchanged; a
    close recorded without its exports, with every export as ``reconcile`` reads them."""
    from ..finance.commentary import load_commentary
    from ..finance.importer import read_export
    from ..finance.mapping import FINANCE_IMPORT, export_files, load_config
    from ..finance.reconcile import reconcile

    window = options.window
    if window is None or Month.of(window.start) != Month.of(window.end):
        return None, None
    month = Month.of(window.start)
    left_out = f"{month} not reconciled in this report:"
    root = workspace_root(ctx)
    config, problems = load_config(root)
    if config is None:
        return None, f"{left_out} no finance export mapping ({FINANCE_IMPORT})"
    close = _close_in_force(ledger, month)
    recorded = close.exports if close is not None else {}
    if recorded:
        files = [(_recorded_path(root, name), name) for name in recorded]
    else:
        files = [(p, p.relative_to(root).as_posix()) for p in export_files(root, config)]
    exports = []
    for path, display in files:
        export, found = read_export(path, display, config.mapping_for(display), month)
        problems += found
        if export is not None:
            exports.append(export)
    changed = _changed_since_close(recorded, exports, problems)
    if changed:
        return None, f"{left_out} it was closed with {changed}"
    if not any(Month.of(p.date) == month for e in exports for p in e.payments):
        return None, f"{left_out} no finance export with payments in {month}"
    commentary, found = load_commentary(root, {line.id for line in ledger.line_budgets()})
    if any(p.is_error for p in problems) or found:
        return None, (
            f"{left_out} the finance inputs have problems: run 'svdiversion reconcile "
            f"--month {month}'"
        )
    rec = reconcile(ledger, month, exports, commentary, config.reconcile)
    return replace(rec, with_close_exports=bool(recorded)), None


def _close_in_force(ledger: Ledger, month: Month) -> MonthClose | None:
    closed, _ = closed_months(ledger.closes)
    found = closed.get(str(month))
    return found.record if found else None


def _recorded_path(root: Path, name: str) -> Path:
    path = Path(name)
    return path if path.is_absolute() else root / path


def _changed_since_close(
    recorded: dict[str, str], exports: list[Export], problems: list[Problem]
) -> str:
    """What is no longer as the close recorded it: an export missing or changed."""
    read = {e.path: e.digest for e in exports}
    for name, digest in recorded.items():
        if name not in read:
            return f"{name}, which cannot be read now ({_first_problem(problems, name)})"
        if read[name] != digest:
            return (
                f"{name} ({digest[:19]}...), which has changed since (now {read[name][:19]}...): "
                f"reopen the month to reconcile it with the export as it is"
            )
    return ""


def _first_problem(problems: list[Problem], name: str) -> str:
    found = next((p for p in problems if p.path == name and p.is_error), None)
    return f"{found.code} {found.message}" if found else "it does not read"


def close_standing(ctx: typer.Context, ledger: Ledger, options: ReportOptions) -> ReportOptions:
    """A report of one closed month counts the treasurer's forecasts said by its close
    (a forecast said during month end, after the month's last day, is in its pack); an
    open month's, those said by the as-of date. A note on stderr says which close
    (unless ``--quiet``)."""
    window = options.window
    if window is None or Month.of(window.start) != Month.of(window.end):
        return options
    month = Month.of(window.start)
    close = _close_in_force(ledger, month)
    if close is None:
        return options
    day = close.at.date()
    early, late = sorted((day, options.as_of))
    if any(early < f.said_on <= late for f in ledger.forecasts):
        say(
            ctx,
            f"note: {month} is closed: its figures count the treasurer's forecasts said by "
            f"its close on {day}",
        )
    return replace(options, forecasts_said_by=day)
