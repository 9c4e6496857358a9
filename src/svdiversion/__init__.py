"""svdiversion: a budget and outcomes ledger for commissioned prevention services.

The package is layered; each layer imports only the layers below it (``|`` marks
siblings that do not import each other). ``make lint`` checks this with the import
contracts in ``pyproject.toml``.

    cli                     Typer: parse options, call, render, exit (the only typer user)
    render                  rich, JSON, CSV, Markdown, openpyxl (the only rich and openpyxl
                            user), Parquet (render.parquet, the one pyarrow user above load)
    finance | evaluation    month end (reconcile, close) | the evaluator's extract
    reports                 pure computations over a ledger, returning plain data
    workspace | outputs     load + check in one call | where an --out may be written
    checks                  business rules, one function and one code each
    load                    files to (ledger, problems); reads large CSV with pyarrow
    core                    codes, problems, money, fiscal, models, table, ledger, closes

Beside the layers, helpers that import only the core: ``atomic`` (atomic writes),
``lock`` (the ledger lock), ``appendlog`` (append-only YAML logs), ``changes`` (what git
says changed), ``scaffold`` and ``synthetic`` (new and generated workspaces),
``arrow_split`` and ``arrow_lib`` (pyarrow's split of a large CSV file, read ahead while
the command starts).
"""

__version__ = "0.1.0"

command_line = False
"""True in the process of the ``svdiversion`` command (set by ``__main__.main``); false
where the package is a library (``svdiversion.api`` in a notebook), whose process may
use numpy and pandas with pyarrow as it likes (``arrow_lib``)."""
