"""Every report registered once (:data:`REPORTS`): adding a report is one module that
defines its ``REPORT`` (a :class:`~.kind.ReportKind`) and one line here. The CLI makes a
command of each and the API a method call (``Workspace.report(NAME)``).
"""

from __future__ import annotations

from . import area_report, burndown_report, outcome_report, suppliers, vfm_report
from .kind import ReportKind

REPORTS: tuple[ReportKind, ...] = (
    burndown_report.REPORT,
    area_report.REPORT,
    outcome_report.REPORT,
    vfm_report.REPORT,
    suppliers.REPORT,
)
"""Every registered report, in the order ``--help`` lists them."""


def report_kind(name: str) -> ReportKind:
    """The registered report called ``name``; ``KeyError`` names the ones there are."""
    for kind in REPORTS:
        if kind.name == name:
            return kind
    there = ", ".join(k.name for k in REPORTS) or "none"
    raise KeyError(f"no report called {name!r}; there are {there}")
