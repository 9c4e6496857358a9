"""``svdiversion`` and ``python -m svdiversion``."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        # Answer the commonest cheap question without importing the CLI framework.
        from . import __version__

        print(f"svdiversion {__version__}")
        return
    from .cli import app

    app()


if __name__ == "__main__":
    main()
