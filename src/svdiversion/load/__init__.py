"""Files to a validated ledger plus a list of problems. Shapes only; rules are in ``checks``.

``load_workspace(root)`` reads, in order:

    config/areas.yaml            the areas and the dates they are valid for
    config/settings.yaml         optional: thresholds, pseudonym pattern, disclosure policy
    ledger/contract.yaml         decisions, budget lines, allocations, tranches, outcomes
    ledger/contract.d/*.yaml     optional: later decisions and variations, never edits
    ledger/transactions.csv      money
    ledger/sources.csv           optional: the finance export row each imported row came from
    ledger/outcomes.csv          referral episodes
    ledger/workshops.csv         group sessions
    ledger/closes.yaml           optional: months closed and reopened (E502 when malformed)
    ledger/shares.yaml           optional: evaluation extracts shared (E503 when malformed)
    ledger/forecasts.yaml        optional: the treasurer's expected spend by month and line
    ledger/commentary.yaml       optional: the treasurer's explanations of variances
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..arrow_split import TRANSACTIONS as TRANSACTIONS  # read ahead by the command line
from ..core.codes import Code
from ..core.ledger import Ledger
from ..core.models import (
    EQUALITY_COLUMNS,
    AreasFile,
    ClosesFile,
    ContractFile,
    EpisodeRow,
    Measure,
    MeasureValue,
    MonthClose,
    Settings,
    SourceRow,
    TransactionRow,
    UnitCost,
    UnitCostsFile,
    WorkshopRow,
)
from ..core.problems import Problem
from ..core.table import Table
from .commentary import COMMENTARY, load_commentary_file
from .forecasts import FORECASTS, load_forecasts
from .header import TableSpec
from .presence import present
from .shares import SHARES, load_shares
from .tables import reading, result
from .yamldoc import YamlDoc, as_written_by_the_tool, read_yaml, shape_problems

AREAS = "config/areas.yaml"
SETTINGS = "config/settings.yaml"
CONTRACT = "ledger/contract.yaml"
CONTRACT_DIR = "ledger/contract.d"
OUTCOMES = "ledger/outcomes.csv"
WORKSHOPS = "ledger/workshops.csv"
UNIT_COSTS = "config/unit_costs.yaml"
CLOSES = "ledger/closes.yaml"
SOURCES = "ledger/sources.csv"

M = TypeVar("M", bound=BaseModel)
Origins = dict[tuple[str, str], list[tuple[str, int, int]]]


class NotAWorkspace(Exception):
    """The folder is not a workspace at all (no ``config/`` and ``ledger/``)."""


def workspace_files(root: Path) -> list[str]:
    """The workspace-relative paths of every file the ledger is made from, in load order."""
    try:  # a folder that cannot be looked at is E002 (unreadable_folders), not a crash
        extensions = sorted((root / CONTRACT_DIR).glob("*.yaml"))
    except OSError:
        extensions = []
    names = [
        AREAS,
        SETTINGS,
        CONTRACT,
        *(f"{CONTRACT_DIR}/{p.name}" for p in extensions),
        TRANSACTIONS,
        SOURCES,
        OUTCOMES,
        WORKSHOPS,
        CLOSES,
        SHARES,
        FORECASTS,
        COMMENTARY,
    ]
    optional = (SETTINGS, SOURCES, CLOSES, SHARES, FORECASTS, COMMENTARY)
    return [name for name in names if name not in optional or present(root / name)]


def _is_folder(path: Path) -> bool:
    """A folder, or a path that cannot even be looked at (reported as unreadable)."""
    try:
        return path.is_dir()
    except OSError:
        return True


def unreadable_folders(root: Path) -> list[Problem]:
    """E002 for each workspace folder that cannot be listed: a file in it could not be
    told apart from a missing one, so nothing is loaded (a skipped ``contract.d`` would
    leave budgets wrong and the check green)."""
    problems = []
    for name in ("config", "ledger", CONTRACT_DIR):
        folder = root / name
        try:
            if name == CONTRACT_DIR and not folder.is_dir():
                continue
            with os.scandir(folder):
                pass
        except OSError as exc:
            problems.append(
                Problem(
                    f"{name}/",
                    0,
                    0,
                    Code.E002,
                    f"cannot read folder: {(exc.strerror or str(exc)).lower()}",
                    "check the folder's permissions: the user running svdiversion must be "
                    "able to list and read it",
                )
            )
    return problems


def load_workspace(root: Path) -> tuple[Ledger | None, list[Problem]]:
    """Read and shape-check every file of the workspace at ``root``.

    Returns ``(ledger, problems)``; ``ledger`` is ``None`` when a file could not be read
    or parsed at all. Raises :class:`NotAWorkspace` only when ``root`` is not a workspace.
    """
    if not _is_folder(root / "config") or not _is_folder(root / "ledger"):
        raise NotAWorkspace(root)
    unreadable = unreadable_folders(root)
    if unreadable:
        return None, unreadable
    problems: list[Problem] = []
    origins: Origins = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        # The CSV tables are read side by side (mostly by pyarrow, without the GIL), the
        # transactions while the YAML files are parsed; problems keep the files' order.
        spend = reading(pool, root, TRANSACTIONS, TableSpec(TransactionRow, pence_from="amount"))
        areas_file, settings, contracts, measures = _yaml_files(root, problems, origins)
        # While a contract file is broken the framework is unknown: accept its columns
        # unchecked rather than report every measure column as unknown.
        framework_known = all(c is not None for c in contracts)
        children = reading(pool, root, OUTCOMES, _episode_spec(measures, framework_known))
        sessions = reading(pool, root, WORKSHOPS, TableSpec(WorkshopRow))
        payments = (
            reading(pool, root, SOURCES, TableSpec(SourceRow)) if present(root / SOURCES) else None
        )
        transactions = result(spend, problems)
        sources = result(payments, problems) if payments else None
        episodes = result(children, problems)
        if episodes is not None and framework_known:
            problems += _missing_measures(episodes, measures)
        workshops = result(sessions, problems)
    if (
        areas_file is None
        or settings is None
        or transactions is None
        or episodes is None
        or workshops is None
        or any(c is None for c in contracts)
    ):
        return None, problems
    ledger = Ledger(
        root=root,
        settings=settings,
        areas={area.id: area for area in areas_file.areas},
        decisions=tuple(d for c in contracts if c for d in c.decisions),
        variations=tuple(v for c in contracts if c for v in c.variations),
        measures=tuple(measures),
        transactions=transactions,
        sources=sources,
        episodes=episodes,
        workshops=workshops,
        files=tuple(workspace_files(root)),
        origins=origins,
        closes=_closes(root, problems, origins),
        shares=load_shares(root, problems, origins),
        forecasts=load_forecasts(root, problems, origins),
        commentary=load_commentary_file(root, problems, origins),
    )
    return ledger, problems


def _yaml_files(
    root: Path, problems: list[Problem], origins: Origins
) -> tuple[AreasFile | None, Settings | None, list[ContractFile | None], list[Measure]]:
    """The areas, the settings (defaults when there is no settings file), every contract
    file in load order, and the outcome measures of the one framework they define."""
    frameworks_at: dict[str, tuple[int, int]] = {}

    def remember(doc: YamlDoc) -> None:
        _origins(doc, origins)
        if isinstance(doc.data, dict) and "outcome_framework" in doc.data:
            frameworks_at[doc.path] = doc.locate(("outcome_framework",))

    areas_file = _model(root, AREAS, AreasFile, problems, remember)
    settings = (
        _model(root, SETTINGS, Settings, problems) if present(root / SETTINGS) else Settings()
    )
    contract_names = [name for name in workspace_files(root) if name.startswith("ledger/contract")]
    contracts = [_model(root, name, ContractFile, problems, remember) for name in contract_names]
    measures = _measures(contract_names, contracts, frameworks_at, problems)
    return areas_file, settings, contracts, measures


def _episode_spec(measures: list[Measure], framework_known: bool) -> TableSpec:
    """Episodes: the row model, then one column per outcome measure and the optional
    equality and follow-up columns, in any order (E203 for another)."""
    measure_ids = {m.id for m in measures}

    def measure_type(name: str) -> Any:
        if name in measure_ids:
            return MeasureValue
        if name in EQUALITY_COLUMNS:
            return EQUALITY_COLUMNS[name]
        return None if framework_known else str

    return TableSpec(EpisodeRow, extra=measure_type, unknown_code=Code.E203)


def load_unit_costs(root: Path) -> tuple[list[UnitCost] | None, list[Problem]]:
    """``config/unit_costs.yaml``, read only by the value-for-money report."""
    problems: list[Problem] = []
    found = _model(root, UNIT_COSTS, UnitCostsFile, problems)
    return (list(found.unit_costs) if found else None), problems


def _closes(root: Path, problems: list[Problem], origins: Origins) -> tuple[MonthClose, ...]:
    """``ledger/closes.yaml``: a malformed file is E502 and counts as no closes."""
    if not present(root / CLOSES):
        return ()

    def remember(doc: YamlDoc) -> None:
        records = doc.data.get("closes") if isinstance(doc.data, dict) else None
        for i, _ in enumerate(_list(records)):
            origins[("close", str(i))] = [(doc.path, *doc.locate(("closes", i)))]

    found: list[Problem] = []
    closes = _model(root, CLOSES, ClosesFile, found, remember)
    hint = (
        "the file is written by 'svdiversion close' and 'reopen' only: "
        "restore it from version control"
    )
    problems += as_written_by_the_tool(found, Code.E502, hint)
    return tuple(closes.closes) if closes else ()


def _missing_measures(episodes: Table, measures: list[Measure]) -> list[Problem]:
    """Every recorded measure of the framework has its column in ledger/outcomes.csv
    (E007); a derived one has none (E008: its figures are worked out, a column of its
    name would be a second, different answer)."""
    derived = [m.id for m in measures if m.derived and m.id in episodes.header]
    problems = [
        Problem(
            OUTCOMES,
            1,
            episodes.header.index(name) + 1,
            Code.E008,
            f"column {name} is a derived measure (worked out from the referrals), not recorded",
            f"remove the column {name}, or remove `derived:` from the measure to record it",
        )
        for name in derived
    ]
    missing = [m.id for m in measures if not m.derived and m.id not in episodes.header]
    if missing:
        problems.append(
            Problem(
                OUTCOMES,
                1,
                1,
                Code.E007,
                f"missing measure column{'s' * (len(missing) > 1)}: {', '.join(missing)}",
                "add one column per measure of the outcome framework after end_date, "
                "empty until assessed",
            )
        )
    return problems


def _model(
    root: Path,
    name: str,
    model: type[M],
    problems: list[Problem],
    on_doc: Callable[[YamlDoc], None] | None = None,
) -> M | None:
    doc, found = read_yaml(root / name, name)
    problems += found
    if doc is None:
        return None
    if on_doc is not None:
        on_doc(doc)
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        problems += shape_problems(doc, exc)
        return None


def _measures(
    names: list[str],
    contracts: list[ContractFile | None],
    at: dict[str, tuple[int, int]],
    problems: list[Problem],
) -> list[Measure]:
    frameworks = [
        (name, c.outcome_framework)
        for name, c in zip(names, contracts, strict=True)
        if c and c.outcome_framework
    ]
    for name, _ in frameworks[1:]:
        line, column = at[name]
        problems.append(
            Problem(
                name,
                line,
                column,
                Code.E113,
                f"the outcome framework is defined again (first in {frameworks[0][0]})",
                "keep one outcome_framework; extensions add decisions, not a framework",
            )
        )
    return list(frameworks[0][1].measures) if frameworks else []


def _origins(doc: YamlDoc, origins: Origins) -> None:
    """Remember where every identified record was written, duplicates included."""
    data = doc.data if isinstance(doc.data, dict) else {}
    for i, area in enumerate(_list(data.get("areas"))):
        _remember(doc, origins, "area", area, ("areas", i))
    for section, kind in (("decisions", "decision"), ("variations", "variation")):
        for i, record in enumerate(_list(data.get(section))):
            _remember(doc, origins, kind, record, (section, i))
            if not isinstance(record, dict):
                continue
            for sub, sub_kind in (("lines", "line"), ("tranches", "tranche")):
                for j, item in enumerate(_list(record.get(sub))):
                    _remember(doc, origins, sub_kind, item, (section, i, sub, j))
            for j, item in enumerate(_list(record.get("allocations"))):
                if isinstance(item, dict):
                    key = f"{item.get('line')}/{item.get('area')}"
                    line, column = doc.locate((section, i, "allocations", j))
                    origins.setdefault(("allocation", key), []).append((doc.path, line, column))
            # A variation's changes are located by variation id and position; only the
            # first variation of an id is kept, so a repeated id is one E107, not several.
            for sub, sub_kind in (
                ("tranche_changes", "tranche_change"),
                ("allocation_changes", "allocation_change"),
            ):
                for j, _ in enumerate(_list(record.get(sub))):
                    place = (doc.path, *doc.locate((section, i, sub, j)))
                    origins.setdefault((sub_kind, f"{record.get('id')}/{j}"), [place])
    framework = data.get("outcome_framework")
    if isinstance(framework, dict):
        for i, measure in enumerate(_list(framework.get("measures"))):
            _remember(doc, origins, "measure", measure, ("outcome_framework", "measures", i))


def _remember(
    doc: YamlDoc, origins: Origins, kind: str, record: Any, key: tuple[str | int, ...]
) -> None:
    if isinstance(record, dict) and isinstance(record.get("id"), str):
        line, column = doc.locate(key)
        origins.setdefault((kind, record["id"]), []).append((doc.path, line, column))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
