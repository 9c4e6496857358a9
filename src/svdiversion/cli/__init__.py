"""The Typer application: one module per command group, composed here."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from .. import __version__
from ..reports.registry import REPORTS
from .check import check
from .common import EXIT_PROBLEMS, fail
from .disclosure import disclosure_audit
from .export import export_app
from .finance import close, reconcile, reopen
from .generate import generate
from .importing import import_payments
from .init import init
from .registered import command_for
from .reports import report
from .state import CliState
from .trends import trends


class _Commands(TyperGroup):
    """The commands, with one refusal for any that runs the integer program (today
    ``disclosure-audit``): when the audit cannot finish (its solver failed or ran out of
    time, or the true counts break a relation it holds), nothing is written, nothing is
    called safe, and the command exits 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort):
            raise  # how every command ends that does not return
        except Exception as error:
            from ..reports.audit.intervals import AuditFailed  # loaded only on a failure

            if not isinstance(error, AuditFailed):
                raise
            fail(
                f"the disclosure audit could not finish: {error}",
                "nothing was written and nothing is called safe; a solver out of time "
                "(60 s a program) may finish on a quieter machine; any other failure is an "
                "error in svdiversion: report it with this message",
                EXIT_PROBLEMS,
            )


app = typer.Typer(
    cls=_Commands,
    name="svdiversion",
    help="A budget and outcomes ledger for a commissioned prevention service.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"svdiversion {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    directory: Annotated[
        Path,
        typer.Option(
            "-C",
            "--dir",
            metavar="DIR",
            help="Run against the workspace in DIR (like git -C). Default: here.",
        ),
    ] = Path("."),
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bars or notes on stderr.")
    ] = False,
) -> None:
    """A budget and outcomes ledger for a commissioned prevention service."""
    ctx.obj = CliState(root=directory, quiet=quiet)


app.command()(check)
for kind in REPORTS:
    app.command(kind.name)(command_for(kind))
app.command()(report)
app.command()(trends)
app.command("disclosure-audit")(disclosure_audit)
app.command(name="import")(import_payments)
app.command()(reconcile)
app.command()(close)
app.command()(reopen)
app.command()(init)
app.command()(generate)
app.add_typer(export_app, name="export")
