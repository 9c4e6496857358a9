"""A small valid workspace written from inline text, so a test reads like the ledger.

``make_workspace(tmp_path)`` writes the workspace below; every file can be replaced by a
few inline lines::

    root = make_workspace(
        tmp_path,
        transactions='''
            id,date,kind,budget_line,area,amount,reference,counterparty,description
            TX-1,2023-09-30,refund,delivery,north,25.00,INV-1,Provider,Refund
        ''',
    )

The default ledger: one decision of £1,000.00 (1 July 2023 to 31 March 2025) with a
delivery line of £800.00 split between the areas ``north`` and ``south``, an evaluation
line of £150.00 and £50.00 unallocated; three tranches; two outcome measures; a few
rows in each CSV file. ``north`` is valid until 2024-12-31 and is then succeeded by
``central``. ``check`` on it reports no problems as of :data:`AS_OF`.
"""

from __future__ import annotations

import subprocess
import textwrap
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import NamedTuple

from svdiversion.checks import Check, CheckContext
from svdiversion.core.ledger import Ledger
from svdiversion.core.problems import Problem
from svdiversion.load import load_workspace
from svdiversion.workspace import open_workspace

AS_OF = date(2025, 3, 31)

AREAS = """
    region: Testshire
    areas:
      - id: north
        name: North
        local_authority: North Council
        valid_from: 2020-04-01
        valid_to: 2024-12-31
        successor: central
      - id: south
        name: South
        local_authority: South Council
        population_10_17: 12000
        valid_from: 2020-04-01
      - id: central
        name: Central
        local_authority: North Council
        valid_from: 2025-01-01
"""

SETTINGS = """
    service_name: Test service
    referral_sources: [police, school]
"""

CONTRACT = """
    decisions:
      - id: D1
        reference: TEST/D/1
        title: Test decision
        service: Test service
        commissioner: Test Commissioner
        provider: Provider
        funding_source: Prevention Fund
        total: 1000.00
        start: 2023-07-01
        end: 2025-03-31
        lines:
          - {id: delivery, name: Delivery grant, kind: delivery, amount: 800.00}
          - {id: evaluation, name: Evaluation, kind: evaluation, amount: 150.00}
          - {id: unallocated, name: Not allocated, kind: unallocated, amount: 50.00}
        allocations:
          - {line: delivery, area: north, amount: 400.00}
          - {line: delivery, area: south, amount: 400.00}
        tranches:
          - {id: T1, line: delivery, due: 2023-09-30, amount: 400.00}
          - {id: T2, line: delivery, due: 2024-03-31, amount: 400.00}
          - {id: T3, line: evaluation, due: 2024-03-31, amount: 150.00}
    outcome_framework:
      measures:
        - {id: risk_reduction, name: Risk reduction, better: higher, target: 0.70}
        - {id: entered_cjs, name: Entered the justice system, better: lower}
"""

TX_HEADER = "id,date,kind,budget_line,area,amount,reference,counterparty,description,tranche"
TRANSACTIONS = f"""
    {TX_HEADER}
    TX-1,2023-09-30,payment,delivery,north,200.00,INV-1,Provider,September delivery,T1
    TX-2,2023-09-30,payment,delivery,south,200.00,INV-1,Provider,September delivery,T1
    TX-3,2024-03-31,accrual,evaluation,,150.00,EV-1,University,Evaluation report,T3
"""

EPISODE_HEADER = (
    "episode_id,cyp_ref,area,referral_date,referral_source,age_at_referral,pathway,status,"
    "start_date,end_date,risk_reduction,entered_cjs"
)
OUTCOMES = f"""
    {EPISODE_HEADER}
    EP-1,CYP-00001,north,2023-08-01,police,14,one_to_one,completed,2023-08-15,2024-02-15,Y,N
    EP-2,CYP-00002,south,2023-09-01,school,12,group,referred,,,,
"""

WORKSHOP_HEADER = "session_id,date,area,kind,cyp_attendees,parent_attendees,professional_attendees"
WORKSHOPS = f"""
    {WORKSHOP_HEADER}
    WS-1,2023-10-10,north,steer_clear_group,5,4,0
"""

FILES = {
    "config/areas.yaml": AREAS,
    "config/settings.yaml": SETTINGS,
    "ledger/contract.yaml": CONTRACT,
    "ledger/transactions.csv": TRANSACTIONS,
    "ledger/outcomes.csv": OUTCOMES,
    "ledger/workshops.csv": WORKSHOPS,
}


Golden = Callable[[Path, str], None]
"""The ``golden`` fixture (``tests/conftest.py``): ``golden(path, text)`` asserts ``text``
is the golden file at ``path``; ``pytest --update-golden`` writes it instead."""


def inline(text: str) -> str:
    """File text as written in a test: dedented, without the line break after the opening
    quotes (blank lines written on purpose after it survive)."""
    return textwrap.dedent(text).removeprefix("\n")


def swap(text: str, old: str, new: str) -> str:
    """``text`` with its one occurrence of ``old`` replaced: a typo in a test fails loudly
    instead of leaving the default file unchanged."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def make_workspace(
    root: Path,
    *,
    areas: str | None = None,
    settings: str | None = None,
    contract: str | None = None,
    transactions: str | None = None,
    outcomes: str | None = None,
    workshops: str | None = None,
    extra: dict[str, str | bytes] | None = None,
    omit: tuple[str, ...] = (),
) -> Path:
    """Write the default workspace into ``root`` with the given files replaced.

    ``extra`` adds or replaces files by workspace path (``ledger/contract.d/v1.yaml``);
    bytes are written as they are, text is :func:`inline`-d and written as UTF-8.
    ``omit`` leaves files out (``("ledger/workshops.csv",)``). Returns ``root``.
    """
    given = {
        "config/areas.yaml": areas,
        "config/settings.yaml": settings,
        "ledger/contract.yaml": contract,
        "ledger/transactions.csv": transactions,
        "ledger/outcomes.csv": outcomes,
        "ledger/workshops.csv": workshops,
    }
    files: dict[str, str | bytes] = {
        name: FILES[name] if text is None else text for name, text in given.items()
    }
    files.update(extra or {})
    for name, content in files.items():
        if name in omit:
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(inline(content).encode("utf-8"))
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "ledger").mkdir(parents=True, exist_ok=True)
    return root


def load_ledger(root: Path) -> Ledger:
    """The ledger of ``root``, failing the test if any file could not be shaped."""
    ledger, problems = load_workspace(root)
    assert problems == [], problems
    assert isinstance(ledger, Ledger)
    return ledger


def run_check(check: Check, root: Path, as_of: date = AS_OF) -> list[Problem]:
    """The problems one check finds in the workspace at ``root``, in its own order."""
    return list(check(load_ledger(root), CheckContext(as_of=as_of)))


def found(problems: list[Problem]) -> list[tuple[str, int, int, str, str]]:
    """``(path, line, column, code, message)`` of each problem: what a test asserts."""
    return [(p.path, p.line, p.column, p.code, p.message) for p in problems]


def check_workspace(root: Path, as_of: date = AS_OF) -> list[Problem]:
    """Every problem ``svdiversion check`` reports, located and sorted."""
    return open_workspace(root, as_of=as_of).problems


class CliResult(NamedTuple):
    """What a command gave: compare or unpack it as ``(exit code, stdout, stderr)``."""

    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str, env: Mapping[str, str | None] | None = None) -> CliResult:
    """``svdiversion ARGS`` in process: ``(exit code, stdout, stderr)``. Fails the test on
    a traceback (any exception other than the exit itself). ``env`` sets environment
    variables for the call (``None`` unsets one)."""
    from typer.testing import CliRunner

    from svdiversion.cli import app

    result = CliRunner().invoke(app, list(args), env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        command = " ".join(["svdiversion", *args])
        raise AssertionError(f"a traceback from {command!r}") from result.exception
    return CliResult(result.exit_code, result.stdout, result.stderr)


def run_unprivileged(*args: str) -> subprocess.CompletedProcess[str]:
    """``svdiversion ARGS`` in a process that obeys file permissions. As root (who reads
    and writes anywhere) it keeps its user and drops every capability, so a folder's mode
    bits bind it as they bind the folder's owner; it stays the owner of the clone, so it
    imports the package wherever the clone is, however private the folders above it."""
    import os
    import sys

    drop = ["setpriv", "--inh-caps=-all", "--bounding-set=-all", "--"]
    return subprocess.run(
        [*(drop if os.geteuid() == 0 else []), sys.executable, "-m", "svdiversion", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
