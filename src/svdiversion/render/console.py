"""The terminal: sheets as rich tables, the burn-down chart, the disclosure banner."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group, RenderableType
from rich.measure import Measurement
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..core.money import format_pounds
from ..core.sheet import Kind, Sheet
from ..reports.burndown import Burndown
from .cells import human
from .problems import visible

NUMERIC = {Kind.MONEY, Kind.COUNT, Kind.PERCENT, Kind.DECIMAL}
RAG_STYLES = {"green": "bold green", "amber": "bold yellow", "red": "bold red"}


def sheet_table(sheet: Sheet) -> Table:
    table = Table(
        title=sheet.title,
        title_justify="left",
        title_style="bold",
        show_edge=False,
        pad_edge=False,
        header_style="bold",
    )
    rows = sheet.all_rows()
    # A column with nothing in it (no population figures given, say) is left off screen.
    shown = [
        i for i, _ in enumerate(sheet.columns) if i == 0 or any(row[i] is not None for row in rows)
    ]
    for i in shown:
        column = sheet.columns[i]
        texts = [visible(human(row[i], sheet.kind_of(n, column))) for n, row in enumerate(rows)]
        numeric = column.kind in NUMERIC
        # Figures are never cut short; text wraps, but not below its longest word.
        widest = max((len(t) for t in texts), default=0)
        longest_word = max((len(w) for t in texts for w in t.split()), default=0)
        table.add_column(
            column.title,
            justify="right" if numeric else "left",
            no_wrap=numeric or i == 0,
            min_width=widest if numeric or i == 0 else min(longest_word, 24),
        )
    for number, row in enumerate(rows):
        is_total = sheet.total is not None and number == len(sheet.rows)
        cells = []
        for i in shown:
            column, value = sheet.columns[i], row[i]
            # a value read from an export may hold terminal escapes: shown, never run
            text = visible(human(value, sheet.kind_of(number, column)))
            cells.append(Text(text, style=RAG_STYLES.get(text, "")))
        table.add_row(
            *cells,
            style="bold" if is_total else None,
            end_section=sheet.total is not None and number == len(sheet.rows) - 1,
        )
    return table


def sheets_group(sheets: Sequence[Sheet]) -> Group:
    parts: list[RenderableType] = []
    for sheet in sheets:
        parts.append(sheet_table(sheet))
        parts.extend(Text(f"  {visible(note)}", style="dim") for note in sheet.notes)
        parts.append(Text(""))
    return Group(*parts)


def banner(internal: bool) -> Panel:
    if internal:
        return Panel(
            Text(
                "INTERNAL - NOT FOR PUBLICATION: exact counts about children",
                style="bold white on red",
                justify="center",
            ),
            style="red",
        )
    return Panel(
        Text("Published figures: disclosure control applied", justify="center"), style="green"
    )


def burndown_chart(report: Burndown, height: int = 14) -> Panel:
    """Cumulative planned (line) against cumulative actual (bars), budget as the ceiling."""
    periods = report.periods
    ceiling = (
        max(
            [
                report.budget_total,
                *(p.cumulative_planned for p in periods),
                *(p.cumulative_actual or 0 for p in periods),
            ]
        )
        or 1
    )
    width = max(1, min(6, 44 // max(len(periods), 1)))
    lines: list[Text] = []
    for level in range(height, 0, -1):
        low, high = ceiling * (level - 1) / height, ceiling * level / height
        label = format_pounds(round(high))[:-3] if level in (height, height // 2) else ""
        line = Text(f"{label:>10} │", style="dim")
        for p in periods:
            planned_here = low < p.cumulative_planned <= high or (
                level == 1 and p.cumulative_planned == 0
            )
            actual = p.cumulative_actual
            if actual is not None and actual >= high:
                cell = Text("█" * width, style="green")
            elif actual is not None and actual > low:
                cell = Text("▄" * width, style="green")
            elif planned_here:
                cell = Text("─" * width, style="cyan")
            elif level == height:
                cell = Text("┄" * width, style="red")
            else:
                cell = Text(" " * width)
            if planned_here and actual is not None and actual > low:
                cell = Text("▓" * width, style="cyan")
            line.append_text(cell)
        lines.append(line)
    axis = Text(" " * 10 + " └" + "─" * (len(periods) * width), style="dim")
    first = periods[0].label if periods else ""
    last = periods[-1].label if periods else ""
    gap = max(len(periods) * width - len(first) - len(last), 1)
    labels = Text(" " * 12 + first + " " * gap + last, style="dim")
    legend = Text.assemble(
        ("  █ ", "green"),
        "actual (cumulative)  ",
        ("─ ", "cyan"),
        "planned (cumulative)  ",
        ("┄ ", "red"),
        "budget ceiling",
    )
    return Panel(
        Group(*lines, axis, labels, legend),
        title="Cumulative spend",
        title_align="left",
        expand=False,
    )


def make_console(width: int | None = None) -> Console:
    return Console(width=width, highlight=False, soft_wrap=False)


def show(console: Console, renderable: RenderableType) -> None:
    """Print at the console's width, or wider when a table needs it: figures are never
    cut short to fit a narrow terminal (the terminal wraps the long lines instead)."""
    needed = Measurement.get(console, console.options.update_width(1_000), renderable).maximum
    width = console.width
    console.width = max(width, needed)  # print() never renders wider than the console
    try:
        console.print(renderable, crop=False)
    finally:
        console.width = width
