"""The transactions as a plain-text accounting journal that hledger and ledger-cli read.

One journal transaction per ledger row, dated as the row, with the row id as its code::

    2023-07-26 (TX-00001) The Children's Society | Steer Clear delivery July 2023
        expenses:PCC-D-2023-24:provider_grant:herefordshire  £2488.09
        funds:prevention-fund-commissioning-reserve-ring-fenced-for-prevention

The expense account is decision, budget line and area (``unassigned`` for a row with no
area); the other posting is the decision's funding source, left to balance. Amounts are
written ``£1234.56`` / ``-£12.30``, which hledger 1.25 and ledger 3.3 both parse, so
``hledger bal`` per account gives exactly the ledger's sums in pence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..core.ledger import Ledger
from ..core.money import format_money

CHUNK = 20_000
_UNSAFE = re.compile(r"[\x00-\x1f\x7f;]+")
_SPACES = re.compile(r"  +")


def journal_chunks(ledger: Ledger) -> Iterator[tuple[str, int]]:
    """The journal text in chunks, each with the number of transactions it holds."""
    decision_of = {budget.id: budget.decision for budget in ledger.line_budgets()}
    funds = {d.id: f"funds:{slug(d.funding_source)}" for d in ledger.decisions}
    table = ledger.transactions
    yield (
        f"; {len(table)} transactions exported by svdiversion from ledger/transactions.csv\n"
        "; expenses:DECISION:BUDGET_LINE:AREA, balanced by funds:FUNDING_SOURCE\n\n",
        0,
    )
    accounts: dict[tuple[str, str | None], tuple[str, str]] = {}
    payees: dict[tuple[str, str], str] = {}
    lines: list[str] = []
    columns = (
        table.column("date"),
        table.column("id"),
        table.column("counterparty"),
        table.column("description"),
        table.column("budget_line"),
        table.column("area"),
        table.column("pence"),
    )
    for day, ident, counterparty, description, line, area, pence in zip(*columns, strict=True):
        account = accounts.get((line, area))
        if account is None:
            decision = decision_of[line]
            account = accounts[line, area] = (
                f"expenses:{decision}:{line}:{area or 'unassigned'}",
                funds[decision],
            )
        payee = payees.get((counterparty, description))
        if payee is None:
            payee = payees[counterparty, description] = _payee(counterparty, description)
        sign, amount = ("-", format_money(-pence)) if pence < 0 else ("", format_money(pence))
        lines.append(
            f"{day} ({ident}) {payee}\n    {account[0]}  {sign}£{amount}\n    {account[1]}\n\n"
        )
        if len(lines) == CHUNK:
            yield "".join(lines), len(lines)
            lines.clear()
    yield "".join(lines), len(lines)


def journal_text(ledger: Ledger) -> str:
    """The whole journal as one string (for small ledgers and tests)."""
    return "".join(text for text, _ in journal_chunks(ledger))


def slug(text: str) -> str:
    """An account-name part: lower case words joined by ``-`` (``Prevention Fund`` ->
    ``prevention-fund``)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unspecified"


def _payee(counterparty: str, description: str) -> str:
    """``counterparty | description`` on one line, with nothing a journal parser would read
    as syntax: no line breaks or tabs, no ``;`` (a comment), no runs of spaces."""
    text = f"{counterparty} | {description}" if counterparty else description
    return _SPACES.sub(" ", _UNSAFE.sub(" ", text)).strip() or "no description"
