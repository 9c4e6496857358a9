"""The core: small immutable records and the pure functions on them.

``codes`` (every problem code, as constants), ``problems`` (located findings as values),
``money`` (exact pence), ``fiscal`` (financial years, periods, quarters, months),
``models`` (the pydantic shapes of every ledger file), ``table`` (a validated CSV table
held by column), ``ledger`` (the loaded ledger and the questions a treasurer asks of it)
and ``closes`` (a closed month's digest).

The core imports nothing else of the project (a contract in ``pyproject.toml`` checks
it), so every other layer can import it without a cycle.
"""
