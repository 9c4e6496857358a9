"""``svdiversion`` and ``python -m svdiversion``."""

from __future__ import annotations

import os
import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        # Answer the commonest cheap question without importing the CLI framework.
        from . import __version__

        print(f"svdiversion {__version__}")
        return
    import svdiversion

    svdiversion.command_line = True
    _without_pandas()
    from . import arrow_split

    # A large transactions file is split on a thread while the CLI is imported (about
    # 0.2 s on one core); no command starts until that thread has imported pyarrow.
    arrow_split.read_ahead(sys.argv[1:])
    from .cli import app

    arrow_split.imported()
    try:
        app()
    except SystemExit as finished:
        _exit(finished.code)


class _WithoutPandas:
    """An import finder that makes ``import pandas`` fail at once.

    pyarrow, the first time it turns a Python value into an array or a scalar (the empty
    text a column is compared with, say), imports pandas if it is installed, to ask
    whether the value is a pandas object: 0.2 s, a third of `check` on 200,000
    transactions, for a question whose answer is always no (no command uses pandas).
    Refused here, pyarrow takes pandas as absent, as on a machine without it. Only the
    command-line process installs this finder: a notebook that imports ``svdiversion.api``
    keeps its pandas.
    """

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError("svdiversion's commands do not use pandas", name=name)


def _without_pandas() -> None:
    if "pandas" not in sys.modules:
        sys.meta_path.insert(0, _WithoutPandas())


def _exit(code: object) -> None:
    """Exit with ``code`` without tearing the interpreter down object by object.

    A command on a large ledger leaves pyarrow's thread pools and buffers, pydantic's
    schemas and several hundred modules behind; freeing them takes about 0.1 s that no
    one waits for. Every file the command wrote is closed by then (writes go through
    ``with`` blocks), and stdout and stderr are flushed here. When a tracer or profiler
    is attached, the code is not a number, or flushing fails (a closed pipe), Python
    exits the usual way instead.
    """
    if code is None:
        code = 0
    if not isinstance(code, int) or sys.gettrace() is not None or sys.getprofile() is not None:
        raise SystemExit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise SystemExit(code) from None
    os._exit(code)


if __name__ == "__main__":
    main()
