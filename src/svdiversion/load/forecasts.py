"""``ledger/forecasts.yaml`` (optional): the treasurer's expected spend, shape-checked.

A missing file is no forecast. A file that does not read as a list of entries gives
located problems in the words of the file (E110 what to write, E111 an unknown key,
E112 a missing one) and counts as no forecast; the rules between files (a line the
contract defines, months inside it) are ``checks.forecasts``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pydantic import ValidationError

from ..core.codes import Code
from ..core.forecasts import Forecast, ForecastsFile, month_key
from ..core.problems import Problem
from .presence import present
from .yamldoc import YamlDoc, read_yaml, shape_problems

FORECASTS = "ledger/forecasts.yaml"
HINT = "see the treasurer's forecast in docs/ledger-format.md"

Origins = dict[tuple[str, str], list[tuple[str, int, int]]]

# What to write for each key, when pydantic's own words would not say it.
WRITE = {
    "forecasts": "a list of entries, each starting '- budget_line:'",
    "budget_line": "the id of a budget line of the contract, such as evaluation",
    "from": "the first month the entry covers, as YYYY-MM, such as 2024-10",
    "said_by": "who gave the forecast, such as A. Treasurer (at most 100 characters)",
    "said_on": "the date it was given, as YYYY-MM-DD, such as 2024-09-20",
    "reason": "why spend moves from the profile, in at most 1,000 characters",
    "spend": "one line per month, 'YYYY-MM: amount', such as '2024-10: 15000.00'",
}
AMOUNT = "plain pounds such as 15000.00: no £ or thousands separators, at most two decimals"
PYDANTIC_WORDS = ("Input should", "should match", "should have", "Field required", "should be")


def load_forecasts(root: Path, problems: list[Problem], origins: Origins) -> tuple[Forecast, ...]:
    """The workspace's forecasts (none when the file is absent or malformed); problems and
    the place of each entry, line and month (``("forecast", "0")``...) are added."""
    if not present(root / FORECASTS):
        return ()
    doc, found = read_yaml(root / FORECASTS, FORECASTS)
    if doc is None or found:
        problems += found
        return ()
    _remember(doc, origins)
    try:
        forecasts = ForecastsFile.model_validate(doc.data).forecasts
    except ValidationError as exc:
        problems += [_in_words(p) for p in shape_problems(doc, exc)]
        return ()
    bad_months = list(_month_keys(doc, forecasts))
    problems += bad_months
    return () if bad_months else forecasts


def _in_words(problem: Problem) -> Problem:
    """A value problem says what to write, never a pydantic sentence or a pattern."""
    if problem.code != Code.E110:
        return replace(problem, hint=HINT)
    where, _, said = problem.message.partition(": ")
    parts = where.split(".")
    if not any(words in said for words in PYDANTIC_WORDS):
        return replace(problem, hint=HINT)
    if len(parts) == 4 and parts[2] == "spend":
        what = AMOUNT
    else:
        field = next((p for p in reversed(parts) if p in WRITE), "forecasts")
        what = WRITE[field]
    return replace(problem, message=f"{where}: write {what}", hint=HINT)


def _month_keys(doc: YamlDoc, forecasts: tuple[Forecast, ...]) -> list[Problem]:
    problems = []
    for index, forecast in enumerate(forecasts):
        for key in forecast.spend:
            if month_key(key) is None:
                problems.append(
                    doc.problem(
                        ("forecasts", index, "spend", key),
                        Code.E110,
                        f"forecasts.{index}.spend: {key!r} is not a month; "
                        "write it as YYYY-MM, such as 2024-10",
                        HINT,
                    )
                )
    return problems


def _remember(doc: YamlDoc, origins: Origins) -> None:
    entries = doc.data.get("forecasts") if isinstance(doc.data, dict) else None
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        place = (FORECASTS, *doc.locate(("forecasts", index)))
        origins[("forecast", str(index))] = [place]
        for key in ("budget_line", "from"):
            origins[(f"forecast_{key}", str(index))] = [
                (FORECASTS, *doc.locate(("forecasts", index, key)))
            ]
        spend = entry.get("spend") if isinstance(entry, dict) else None
        for month in spend if isinstance(spend, dict) else {}:
            origins[("forecast_month", f"{index}/{month}")] = [
                (FORECASTS, *doc.locate(("forecasts", index, "spend", month)))
            ]
