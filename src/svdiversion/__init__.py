"""svdiversion: a budget and outcomes ledger for commissioned prevention services.

The package is layered, each layer importing only those above it in this list:

    models    pydantic shapes of every file (no I/O)
    load      files -> (Ledger, problems)
    checks    business rules over a loaded ledger
    reports   pure computations returning plain data
    render    rich, JSON, CSV, Markdown, openpyxl
    cli       Typer: parse options, call, render, exit
"""

__version__ = "0.1.0"
