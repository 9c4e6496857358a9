"""The value-for-money report, registered (``reports.registry``): cost per referral,
engaged child, completion and positive outcome, and a break-even view.

Light to import (the registry loads it when the CLI starts): the computation
(``reports.vfm``, through ``reports.pack``) is loaded by the command that uses it. The
break-even table needs the workspace's unit costs of crime (``Inputs.unit_costs``). Its
JSON is the documented value-for-money document (``documents.vfm_json``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .disclosure import Disclosure
from .documents import vfm_json
from .kind import Inputs, ReportKind
from .sheets import vfm_sheets

Compute = Callable[["Ledger", "ReportOptions", Inputs], Any]

if TYPE_CHECKING:
    from ..core.ledger import Ledger
    from .options import ReportOptions
    from .vfm import VfmReport


def _with(disclosure: Disclosure) -> Compute:
    def compute(ledger: Ledger, options: ReportOptions, inputs: Inputs) -> VfmReport:
        from .pack import disclosed_reports

        return disclosed_reports(ledger, options, disclosure, inputs.unit_costs())[2]

    compute.__doc__ = f"Value for money on the {disclosure.value} counts of children."
    return compute


REPORT = ReportKind(
    name="vfm",
    summary="Cost per referral, engaged child, completion and positive outcome; break-even.",
    example="svdiversion vfm --as-of 2025-03-31",
    heading="Value for money",
    compute=_with(Disclosure.INTERNAL),
    sheets=vfm_sheets,
    publish=_with(Disclosure.PUBLISHED),
    document=lambda report, _: vfm_json(report),
)
