"""pyarrow for the loader, imported without numpy.

pyarrow imports numpy whenever it is installed (matplotlib and the audit's solver bring
it), only to convert to and from numpy arrays, which svdiversion never asks of it: the
loader's arrays are read from CSV, held and summed by pyarrow's own kernels, and read
back as Python values. Importing numpy is half of pyarrow's import (about 55 ms of
100 ms on the bench machine), paid by every command that reads a large file. So, unless
numpy is loaded already, the pyarrow modules the loader uses are imported with numpy
hidden (pyarrow runs without numpy since its release 16.0), and numpy is importable
again straight after, for whoever needs it.
"""

from __future__ import annotations

import sys


def _import_without_numpy() -> None:
    if "numpy" in sys.modules or "pyarrow" in sys.modules:
        return  # numpy is paid for already, or pyarrow was imported another way
    sys.modules["numpy"] = None  # type: ignore[assignment]  # "import numpy" raises
    try:
        import pyarrow._acero
        import pyarrow._compute
        import pyarrow.csv  # noqa: F401
    finally:
        if "numpy" in sys.modules and sys.modules["numpy"] is None:
            del sys.modules["numpy"]


_import_without_numpy()
