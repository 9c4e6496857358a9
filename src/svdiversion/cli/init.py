"""``svdiversion init``: start a workspace for a new service, or add a decision to one."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from pydantic import ValidationError

from ..atomic import write_atomic
from ..clock import today
from ..core.models import Area, AreasFile
from ..core.money import Pence, parse_pence
from ..core.problems import Problem
from ..load import NotAWorkspace
from ..load.yamldoc import read_yaml, shape_problems
from ..render.problems import problems_text
from ..scaffold import DecisionPlan, ScaffoldError, extension, new_workspace, plan_decision
from ..workspace import open_workspace
from .common import EXIT_PROBLEMS, fail, parse_date, workspace_root
from .state import say

# Present in a folder that counts as empty: a freshly made git repository.
IGNORED_ENTRIES = frozenset({".git"})


def parse_total(text: str) -> Pence:
    pence = parse_pence(text.strip())
    if pence is None:
        raise typer.BadParameter(
            f"{text!r} is not an amount; write plain pounds such as 288000 or 538496.32, "
            "without £ or thousands separators"
        )
    return pence


def parse_line(text: str) -> tuple[str, Pence]:
    """``NAME=AMOUNT``: a delivery line's name and its amount in pounds."""
    name, equals, amount = text.rpartition("=")
    if not equals or not name.strip():
        raise typer.BadParameter(
            f"{text!r} is not NAME=AMOUNT; write e.g. --line 'Steer Clear groups=120000'",
            param_hint="--line",
        )
    return name.strip(), parse_total(amount)


def _due(text: str) -> date:
    try:
        return parse_date(text)
    except typer.BadParameter as exc:
        raise typer.BadParameter(str(exc), param_hint="--tranche-on") from exc


Directory = Annotated[
    Path | None,
    typer.Argument(
        metavar="DIR",
        help="The folder to create the workspace in (with --extension: the workspace "
        "to add to). Default: the -C folder.",
        show_default=False,
    ),
]
Service = Annotated[
    str | None, typer.Option("--service", metavar="NAME", help="The service's name.")
]
Reference = Annotated[
    str | None,
    typer.Option(
        "--decision",
        metavar="REF",
        help="The decision's reference, e.g. PCC/D/2025/12; its id is made from it.",
    ),
]
Total = Annotated[
    int | None,
    typer.Option(
        "--total", metavar="AMOUNT", parser=parse_total, help="The approved total in pounds."
    ),
]
EvaluationOption = Annotated[
    int | None,
    typer.Option(
        "--evaluation",
        metavar="AMOUNT",
        parser=parse_total,
        help="An independent evaluation's share of the total in pounds: a line of its own "
        "(kind evaluation), paid at the end; the delivery line holds the rest.",
    ),
]
LineOption = Annotated[
    list[str] | None,
    typer.Option(
        "--line",
        metavar="NAME=AMOUNT",
        help="A delivery line and its amount in pounds (repeat for each line); with --line "
        "the lines and --evaluation must add up to --total. Default: one delivery line.",
    ),
]
Start = Annotated[
    date | None,
    typer.Option("--start", metavar="DATE", parser=parse_date, help="First day of the period."),
]


class Every(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"


TranchesOption = Annotated[
    Every,
    typer.Option(
        "--tranches",
        help="How often the line is paid: one tranche each month, or each financial "
        "quarter (in arrears, the part of it inside the period).",
    ),
]
TrancheOnOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tranche-on",
        metavar="DATE",
        help="A tranche's due date (repeat for each): each delivery line is paid in equal "
        "tranches on these dates instead of each month or quarter.",
    ),
]
End = Annotated[
    date | None,
    typer.Option("--end", metavar="DATE", parser=parse_date, help="Last day of the period."),
]
AreasFileOption = Annotated[
    Path | None,
    typer.Option(
        "--areas",
        metavar="FILE",
        help="An areas file (the format of config/areas.yaml) to copy. Default: one "
        "placeholder area.",
    ),
]
Force = Annotated[
    bool,
    typer.Option("--force", help="Write into a folder that is not empty (overwrites)."),
]
Extension = Annotated[
    bool,
    typer.Option(
        "--extension",
        help="Add the decision to the existing workspace in DIR as a new file "
        "ledger/contract.d/<id>.yaml; existing records are not touched.",
    ),
]


def init(
    ctx: typer.Context,
    directory: Directory = None,
    service: Service = None,
    reference: Reference = None,
    total: Total = None,
    start: Start = None,
    end: End = None,
    areas: AreasFileOption = None,
    force: Force = False,
    add_extension: Extension = False,
    tranches: TranchesOption = Every.MONTH,
    evaluation: EvaluationOption = None,
    lines: LineOption = None,
    tranche_on: TrancheOnOption = None,
) -> None:
    """Start a workspace for a new service, or add a further decision to one.

    Writes config/areas.yaml, config/settings.yaml, ledger/contract.yaml (the decision
    with one delivery line, or a line for each --line, paid in equal tranches each month,
    each quarter with --tranches quarter, or on the dates of --tranche-on, and with
    --evaluation an evaluation line paid at the end), the
    three CSV files with their headers, an empty ledger/commentary.yaml and
    ledger/forecasts.yaml, and ledger/README.md. What is not given is a marked
    placeholder; the new workspace passes 'svdiversion check'. Refuses a folder that is
    not empty unless --force. Exit 0 written, 1 the areas file has problems, 2 usage
    (nothing written).

    Examples:

    \b
      svdiversion init climb --service CLIMB --decision PCC/D/2025/12 \\
          --total 288000 --evaluation 24000 --start 2025-04-01 --end 2026-03-31 \\
          --areas areas.yaml
      svdiversion init . --extension --decision PCC/D/2025/03 --total 288000 \\
          --start 2025-04-01 --end 2026-03-31
      svdiversion init climb --total 288000 --evaluation 24000 \\
          --line 'Steer Clear groups=120000' --line 'One-to-one work=144000'
    """
    root = directory if directory is not None else workspace_root(ctx)
    if add_extension:
        given = {"--decision": reference, "--total": total, "--start": start, "--end": end}
        _extension_options(given, areas is not None or force)
    try:
        plan = plan_decision(
            service=service, reference=reference, total=total, start=start, end=end,
            today=today(), tranches_every=tranches.value, evaluation=evaluation,
            lines=[parse_line(text) for text in lines or ()],
            due_dates=[_due(text) for text in tranche_on or ()],
        )  # fmt: skip
    except ScaffoldError as exc:
        fail(exc.message, exc.hint)
    if add_extension:
        _add_decision(ctx, root, plan, service_given=service is not None)
    else:
        _new_workspace(ctx, root, plan, areas, force)


def _extension_options(given: Mapping[str, object], refused: bool) -> None:
    """An extension needs the decision's figures, and takes neither --areas nor --force."""
    missing = [flag for flag, value in given.items() if value is None]
    if missing:
        fail(f"--extension needs {', '.join(missing)}", "give the figures of the decision")
    if refused:
        fail(
            "--extension takes neither --areas nor --force",
            "an extension uses the workspace's areas and never overwrites a file",
        )


def _new_workspace(
    ctx: typer.Context, root: Path, plan: DecisionPlan, areas_file: Path | None, force: bool
) -> None:
    if root.exists() and not root.is_dir():
        fail(f"{root} is a file, not a folder", "name a new folder for the workspace")
    if root.is_dir() and not force:
        present = sorted(p.name for p in root.iterdir() if p.name not in IGNORED_ENTRIES)
        if present:
            shown = ", ".join(present[:5]) + (", ..." if len(present) > 5 else "")
            fail(
                f"{root} is not empty ({shown}); nothing written",
                "name a new or empty folder, or pass --force to overwrite the workspace files",
            )
    areas_text, area_list = _read_areas(areas_file) if areas_file else (None, [])
    files = new_workspace(plan, areas_text, area_list)
    _must_pass_check(files, areas_file)
    for name, text in files.items():
        write_atomic(root / name, text)
        print(f"created {root / name}")
    placeholders = ", ".join(sorted(plan.placeholders))
    if placeholders:
        say(ctx, f"placeholders to replace in {root / 'ledger/contract.yaml'}: {placeholders}")
    say(ctx, f"next: record the ledger, then run 'svdiversion -C {root} check'")


def _read_areas(file: Path) -> tuple[str, list[Area]]:
    """The areas file's text (copied as it is) and its areas; exit 1 on problems."""
    if not file.is_file():
        fail(f"cannot read the areas file {file}: not found", "check the path given to --areas")
    doc, problems = read_yaml(file, str(file))
    if doc is not None:
        try:
            parsed = AreasFile.model_validate(doc.data)
        except ValidationError as exc:
            problems += shape_problems(doc, exc)
        else:
            return file.read_text(encoding="utf-8-sig"), list(parsed.areas)
    _refuse(problems, f"the areas file {file} has problems; nothing written")


def _must_pass_check(files: dict[str, str], areas_file: Path | None) -> None:
    """Check the new workspace in a scratch folder before writing anything: what init
    writes passes 'check', or it writes nothing."""
    with tempfile.TemporaryDirectory(prefix="svdiversion-init-") as scratch:
        for name, text in files.items():
            (Path(scratch) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(scratch) / name).write_text(text, encoding="utf-8")
        result = open_workspace(Path(scratch), as_of=today())
    if result.errors:
        source = f" (config/areas.yaml is a copy of {areas_file})" if areas_file else ""
        _refuse(result.errors, f"the new workspace would not pass check{source}; nothing written")


def _add_decision(
    ctx: typer.Context, root: Path, plan: DecisionPlan, *, service_given: bool
) -> None:
    try:
        result = open_workspace(root, as_of=today())
    except NotAWorkspace:
        fail(
            f"{root} is not a workspace: it needs config/ and ledger/ folders",
            "name an existing workspace, or leave out --extension to start one",
        )
    ledger = result.ledger
    if ledger is None:
        _refuse(result.errors, f"the workspace in {root} cannot be read; nothing written")
    if not service_given:
        plan = replace(
            plan, service=ledger.settings.service_name, placeholders=plan.placeholders - {"service"}
        )
    try:
        name, text = extension(plan, list(ledger.areas.values()), set(ledger.origins))
    except ScaffoldError as exc:
        fail(exc.message, exc.hint)
    target = root / name
    if target.exists():
        fail(f"{target} already exists; nothing written", "give the decision its own reference")
    write_atomic(target, text)
    print(f"created {target}")
    say(ctx, f"next: run 'svdiversion -C {root} check'")


def _refuse(problems: list[Problem], message: str) -> NoReturn:
    sys.stderr.write(problems_text(problems))
    fail(message, "correct the problems above and run init again", EXIT_PROBLEMS)
