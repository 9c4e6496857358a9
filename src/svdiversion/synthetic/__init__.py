"""A deterministic synthetic workspace of any size, for benchmarks and tests.

``generate(root, transactions=N, episodes=M, seed=S)`` writes a complete workspace
(``config/`` and ``ledger/``) that passes ``svdiversion check``: a portfolio of four
services over three financial years (2023/24 to 2025/26), one funding decision per
service and year, across the West Mercia areas including their change on 19 January 2026.
Rows are spread evenly over the period in date order. The contract is written *after*
the rows, from what they spend, so every budget line, area allocation and tranche profile
covers its spend exactly however many rows there are; the decision totals grow with N.

The same arguments always give byte-identical files. No real data: every reference,
amount and date is made up.

What the portfolio is made of is in :mod:`.portfolio`, the rows are drawn in :mod:`.rows`
and the contract covering them is written in :mod:`.contract`.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterator
from pathlib import Path

from .contract import AREAS_YAML, contract_yaml
from .portfolio import (
    CHUNK,
    EPISODE_HEADER,
    EQUALITY_HEADER,
    REFERRAL_SOURCES,
    TRANSACTION_HEADER,
    WORKSHOP_HEADER,
    WORKSHOP_KINDS,
    Spend,
    ref_width,
)
from .rows import episode_lines, transaction_lines, workshop_lines

Progress = Callable[[int], None]


def generate(
    root: Path,
    *,
    transactions: int,
    episodes: int,
    workshops: int | None = None,
    seed: int = 0,
    progress: Progress | None = None,
    equality: bool = False,
) -> None:
    """Write a synthetic workspace to ``root`` (created if needed).

    ``workshops`` defaults to one session for every ten episodes. ``progress`` is called
    with the number of rows just written, so a caller can show a bar. ``equality`` adds
    the optional equality and follow-up columns to ``ledger/outcomes.csv``.
    """
    if min(transactions, episodes, workshops or 0) < 0:
        raise ValueError("row counts cannot be negative")
    sessions = episodes // 10 if workshops is None else workshops
    advance = progress or (lambda rows: None)
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "ledger").mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    spend = Spend()
    _write_rows(
        root / "ledger/transactions.csv",
        TRANSACTION_HEADER,
        transaction_lines(rng, transactions, spend),
        advance,
    )
    header = f"{EPISODE_HEADER},{EQUALITY_HEADER}" if equality else EPISODE_HEADER
    lines = episode_lines(rng, episodes, equality)
    _write_rows(root / "ledger/outcomes.csv", header, lines, advance)
    _write_rows(
        root / "ledger/workshops.csv", WORKSHOP_HEADER, workshop_lines(rng, sessions), advance
    )
    _write_text(root / "config/areas.yaml", AREAS_YAML)
    _write_text(root / "config/settings.yaml", _settings(transactions, episodes))
    _write_text(root / "ledger/contract.yaml", contract_yaml(spend))


def _settings(transactions: int, episodes: int) -> str:
    return (
        f"service_name: Synthetic portfolio ({transactions} transactions, "
        f"{episodes} episodes)\n"
        f'cyp_ref_pattern: "^CYP-[0-9]{{{ref_width(episodes)}}}$"\n'
        "age_min: 10\n"
        "age_max: 17\n"
        f"referral_sources: [{', '.join(REFERRAL_SOURCES)}]\n"
        f"workshop_kinds: [{', '.join(WORKSHOP_KINDS)}]\n"
        "protective_marking: OFFICIAL\n"
    )


def _write_rows(path: Path, header: str, rows: Iterator[str], advance: Progress) -> None:
    """Write ``header`` and every line of ``rows``, reporting progress every CHUNK rows."""
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("w", encoding="utf-8", newline="") as handle:
        handle.write(header + "\n")
        batch: list[str] = []
        for row in rows:
            batch.append(row)
            if len(batch) == CHUNK:
                handle.writelines(batch)
                advance(len(batch))
                batch.clear()
        handle.writelines(batch)
        advance(len(batch))
    os.replace(temporary, path)


def _write_text(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
