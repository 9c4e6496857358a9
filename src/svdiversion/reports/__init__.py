"""Reports: pure functions of a validated ledger and options, returning plain data.

Nothing here prints or reads files. The same report value feeds the terminal table,
JSON, CSV, Markdown and the workbook, so they cannot disagree.
"""
