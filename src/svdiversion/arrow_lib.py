"""pyarrow for the loader and its split (``arrow_split``), imported without numpy in
the command line's process.

pyarrow imports numpy whenever it is installed (matplotlib and the audit's solver bring
it), only to convert to and from numpy arrays, which svdiversion never asks of it: the
loader's arrays are read from CSV, held and summed by pyarrow's own kernels, and read
back as Python values. Importing numpy is half of pyarrow's import (about 55 ms of
100 ms on the bench machine), paid by every command that reads a large file. So in the
``svdiversion`` command's process (``svdiversion.command_line``), unless numpy is loaded
already, the pyarrow modules the loader uses are imported with numpy hidden (pyarrow
runs without numpy since its release 16.0); numpy itself is importable straight after
(the audit's solver imports it), but that pyarrow keeps converting without it.

A library user's process is left alone: a notebook that opens a workspace and then hands
pyarrow a numpy array (or pandas, polars, DuckDB do) gets the pyarrow it expects. Nor
could the hiding be safe there: while pyarrow is imported, ``import numpy`` fails on every
thread, and a notebook may import numpy on another thread. In the command's process the
read-ahead (``arrow_split``) imports pyarrow while the main thread imports the CLI, whose
modules never import numpy (a test imports them with numpy in reach and finds none), and
no command starts before that import is done (``arrow_split.imported``); the loader's
threads wait on the import lock.
"""

from __future__ import annotations

import sys


def _import_without_numpy() -> None:
    import svdiversion

    if not svdiversion.command_line or "numpy" in sys.modules or "pyarrow" in sys.modules:
        return  # a library's process, numpy paid for already, or pyarrow imported already
    sys.modules["numpy"] = None  # type: ignore[assignment]  # "import numpy" raises
    try:
        import pyarrow._acero
        import pyarrow._compute
        import pyarrow.csv  # noqa: F401
    finally:
        if "numpy" in sys.modules and sys.modules["numpy"] is None:
            del sys.modules["numpy"]


_import_without_numpy()
