"""Published figures against internal ones, window by window: what a board reader would
find wrong. Used by the property tests and runnable on its own:

    .venv/bin/python tests/truth.py [WORKSPACE]

prints every offence across the contract's month and quarter windows and their count.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from svdiversion.core.fiscal import DateRange, Month, months_between, parse_month, parse_quarter
from svdiversion.core.ledger import Ledger
from svdiversion.reports.audit.release import Publisher
from svdiversion.reports.disclosure import Disclosure
from svdiversion.reports.options import ReportOptions
from svdiversion.reports.outcomes import outcomes
from svdiversion.reports.outcomes.cells import release_cells
from svdiversion.reports.outcomes.shapes import MeasureRow, OutcomesReport
from svdiversion.reports.trends import trends

SLACK = 2
"""A shown count may be this far from the exact one (one rounding to 5)."""


@dataclass(frozen=True, slots=True)
class Offence:
    window: str
    what: str
    shown: object
    exact: object

    def __str__(self) -> str:
        return f"{self.window}: {self.what}: shown {self.shown}, exact {self.exact}"


def contract_windows(ledger: Ledger) -> list[DateRange]:
    """Every month and financial quarter of the contract."""
    months = list(months_between(Month.of(ledger.start), Month.of(ledger.end)))
    found = [parse_month(str(m)) for m in months]
    found += [parse_quarter(f"{m.fy_label}-Q{m.quarter}") for m in months if m.period % 3 == 0]
    return found


def whole_percent(rate: Decimal) -> Decimal:
    return (rate * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def exact_rate_of(measure: MeasureRow | None) -> Decimal | None:
    if measure is None or not isinstance(measure.assessed, int) or not measure.assessed:
        return None
    assert isinstance(measure.achieved, int)
    return Decimal(measure.achieved) / Decimal(measure.assessed)


def report_offences(label: str, shown: OutcomesReport, exact: OutcomesReport) -> list[Offence]:
    """Counts more than :data:`SLACK` from the exact, rates that are not the exact rate
    to a whole percent, and RAG that is not the internal RAG."""
    found = []
    exact_cells = release_cells(exact).cells
    for key, cell in release_cells(shown).cells.items():
        true = exact_cells.get(key, 0)
        if isinstance(cell, int) and isinstance(true, int) and abs(cell - true) > SLACK:
            found.append(Offence(label, "/".join(key), cell, true))
    rows = [("*", shown.measures, exact.measures)]
    exact_areas = {a.id: a for a in exact.areas}
    for row in shown.areas:
        own = exact_areas.get(row.id)
        rows.append((row.id, row.measures, own.measures if own else ()))
    for area, measures, truths in rows:
        truth = {m.id: m for m in truths}
        for measure in measures:
            real = truth.get(measure.id)
            if isinstance(measure.rate, Decimal):
                exact_rate = exact_rate_of(real)
                if exact_rate is None or whole_percent(measure.rate) != whole_percent(exact_rate):
                    found.append(
                        Offence(label, f"rate/{area}/{measure.id}", measure.rate, exact_rate)
                    )
            if measure.rag is not None and (real is None or real.rag != measure.rag):
                found.append(
                    Offence(
                        label, f"rag/{area}/{measure.id}", measure.rag, real.rag if real else None
                    )
                )
    return found


def window_offences(ledger: Ledger, as_of: date) -> list[Offence]:
    publisher = Publisher(ledger)
    found: list[Offence] = []
    for window in contract_windows(ledger):
        options = ReportOptions(as_of=min(window.end, as_of), window=window).at_period_end()
        shown = publisher.report(options).outcomes
        exact = outcomes(ledger, options)
        found += report_offences(window.label, shown, exact)
    return found


def signal_offences(ledger: Ledger, as_of: date) -> list[Offence]:
    """Signals on a published chart that the internal chart of the series lacks."""
    internal = trends(ledger, as_of, Disclosure.INTERNAL)
    published = trends(ledger, as_of, Disclosure.PUBLISHED)
    truth = {(s.id, str(p.month)): set(p.signals) for s in internal.series for p in s.points}
    found = []
    for series in published.series:
        for point in series.points:
            extra = set(point.signals) - truth.get((series.id, str(point.month)), set())
            for signal in sorted(extra):
                found.append(Offence(f"{series.id} {point.month}", str(signal), "shown", "absent"))
    return found


def main() -> None:
    from helpers import load_ledger

    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[1]
    ledger = load_ledger(root)
    windows = window_offences(ledger, ledger.end)
    signals = signal_offences(ledger, ledger.end)
    for offence in [*windows, *signals]:
        print(offence)
    print(
        f"{len(contract_windows(ledger))} windows: {len(windows)} offences in the windows, "
        f"{len(signals)} published signals the internal charts lack"
    )


if __name__ == "__main__":
    main()
