"""``svdiversion generate DIR``: a deterministic synthetic workspace of any size."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..render.progress import progress_bar, terminal_progress
from ..synthetic import generate as generate_workspace
from .common import fail
from .state import state


def generate(
    ctx: typer.Context,
    directory: Annotated[
        Path, typer.Argument(metavar="DIR", help="The folder to create (must be new or empty).")
    ],
    transactions: Annotated[
        int, typer.Option("--transactions", min=0, metavar="N", help="Transaction rows.")
    ] = 1_000,
    episodes: Annotated[
        int, typer.Option("--episodes", min=0, metavar="M", help="Referral episode rows.")
    ] = 1_000,
    workshops: Annotated[
        int | None,
        typer.Option(
            "--workshops", min=0, metavar="W", help="Workshop rows. Default: one per ten episodes."
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", metavar="S", help="Random seed.")] = 0,
    equality: Annotated[
        bool,
        typer.Option(
            "--equality",
            help="Add the optional equality and follow-up columns to ledger/outcomes.csv "
            "(sex, ethnicity, care experience, SEND, ...; illustrative proportions).",
        ),
    ] = False,
) -> None:
    """Write a synthetic workspace that passes 'check', for benchmarks and trials.

    Four services over 2023/24 to 2025/26, one decision per service and year, budgets
    sized from the rows so everything is within budget. The same options always write
    the same files. No real data.

    Example: svdiversion generate /tmp/big --transactions 1000000 --episodes 100000
    """
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        fail(
            f"{directory} already exists and is not an empty folder",
            "choose a new folder; generate never writes over files",
        )
    sessions = episodes // 10 if workshops is None else workshops
    quiet = state(ctx).quiet
    total = transactions + episodes + sessions
    with progress_bar("Generating rows", total, terminal_progress(quiet)) as advance:
        generate_workspace(
            directory,
            transactions=transactions,
            episodes=episodes,
            workshops=sessions,
            seed=seed,
            progress=advance,
            equality=equality,
        )
    if not quiet:
        sys.stderr.write(
            f"wrote {directory}: {transactions} transactions, {episodes} episodes, "
            f"{sessions} workshop sessions (seed {seed})\n"
        )
