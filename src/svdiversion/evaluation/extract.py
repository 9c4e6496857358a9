"""The evaluator's extract as plain data: three tables and their data dictionary.

``evaluation_extract`` reads the validated ledger as of a date and returns, for each
table, its rows and a Table Schema (the Frictionless standard: names, types, formats,
constraints, enums, descriptions). It neither writes nor formats files: the render
layer turns an :class:`Extract` into CSV, ``datapackage.json`` and a README.

* ``episodes``: one row per episode referred by the as-of date, keyed by pseudonyms
  (:mod:`.pseudonyms`), generalised and withheld for k-anonymity (:mod:`.anonymity`), in
  the order of their ``episode_key`` (random to the reader: no order to learn from).
* ``spend``: actual spend by month, budget line and area.
* ``workshops``: group sessions and attendance by month, area and kind.

No ledger ``cyp_ref`` or ``episode_id`` is in any of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..core.fiscal import Month
from ..core.ledger import Ledger
from ..core.models import EQUALITY_COLUMNS, DisclosurePolicy, EvaluationSettings, Status
from ..core.money import format_money
from .anonymity import (
    AgeBandsIncomplete,
    Anonymised,
    Quasi,
    age_band,
    age_label,
    anonymise,
    period_label,
)
from .dictionary import (
    ATTENDEES,
    episode_fields,
    optional_fields,
    spend_fields,
    workshop_fields,
)
from .pseudonyms import Pseudonyms

Value = str | int | bool | None
"""A cell of a table; a boolean is written ``true`` or ``false``."""

FOLLOW_UP_DAYS = 365
"""The window ``rereferred_within_365`` looks at, from the day of referral."""

OUTCOME = {"Y": True, "N": False}
"""The ledger's ``Y``/``N`` as the extract's booleans."""


@dataclass(frozen=True, slots=True)
class Resource:
    """One table: a file name, what it holds, its Table Schema fields and rows."""

    name: str
    title: str
    description: str
    fields: tuple[dict[str, Any], ...]
    rows: list[list[Value]]
    primary_key: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Extract:
    service: str
    marking: str
    as_of: date
    key_id: str
    settings: EvaluationSettings
    referred: int  # episodes referred by the as-of date, before any was withheld
    anonymised: Anonymised
    generalisation: str
    resources: tuple[Resource, ...]
    policy: DisclosurePolicy
    """The published tables' disclosure rules, which the README's counts follow."""
    withheld_by: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()
    """Control totals: the episodes withheld by status, area, referral source and age
    band (exact; the README shows them under the disclosure rules)."""

    @property
    def withheld(self) -> int:
        return len(self.anonymised.withheld)


class SettingsRefused(ValueError):
    """The evaluation settings cannot make an extract; the message says why."""


def evaluation_extract(
    ledger: Ledger, as_of: date, pseudonyms: Pseudonyms, settings: EvaluationSettings
) -> Extract:
    """The extract as of ``as_of``. Raises :class:`SettingsRefused` when the age bands do
    not cover an episode's age."""
    age_range = f"{ledger.settings.age_min}-{ledger.settings.age_max}"
    episodes = _episode_table(ledger, as_of)
    chosen = _anonymise(episodes, settings, age_range)
    level = chosen.level
    kept_sources = _sources(ledger, chosen)
    return Extract(
        service=ledger.settings.service_name,
        marking=ledger.settings.protective_marking,
        as_of=as_of,
        key_id=pseudonyms.key_id,
        settings=settings,
        referred=len(episodes),
        anonymised=chosen,
        generalisation=level.describe(settings.age_bands, chosen.ranking),
        resources=(
            Resource(
                "episodes",
                "Referral episodes",
                "One row per referral episode referred by the as-of date and not withheld "
                "for k-anonymity or l-diversity, in no meaningful order.",
                tuple(
                    episode_fields(
                        ledger, settings, level.period, level.age, age_range, kept_sources
                    )
                ),
                _episode_rows(ledger, episodes, chosen, as_of, pseudonyms, settings, age_range),
                ("episode_key",),
            ),
            _spend(ledger, as_of),
            _workshops(ledger, as_of),
        ),
        policy=ledger.settings.disclosure,
        withheld_by=_withheld_by(ledger, episodes, chosen, settings),
    )


def _sources(ledger: Ledger, chosen: Anonymised) -> list[str]:
    """The referral sources the extract may show at the level chosen."""
    known = ledger.settings.referral_sources or sorted(chosen.ranking)
    labels = [chosen.level.source_label(s, chosen.ranking) for s in known]
    return list(dict.fromkeys(labels))


def _withheld_by(
    ledger: Ledger,
    episodes: list[dict[str, Any]],
    chosen: Anonymised,
    settings: EvaluationSettings,
) -> tuple[tuple[str, tuple[tuple[str, int], ...]], ...]:
    """The episodes withheld counted by status, area, referral source and age band, every
    category listed (a zero too), so an evaluator can reweight."""
    withheld = [e for i, e in enumerate(episodes) if i in chosen.withheld]
    sources = ledger.settings.referral_sources or sorted(chosen.ranking)
    dimensions = (
        ("status", [s.value for s in Status], lambda e: e["as_of_status"]),
        ("area", list(ledger.areas), lambda e: e["area"]),
        ("referral source", list(sources), lambda e: e["source"]),
        (
            "age band",
            list(settings.age_bands),
            lambda e: age_band(e["age_at_referral"], settings.age_bands),
        ),
    )
    found = []
    for name, categories, of in dimensions:
        counts = Counter(of(e) for e in withheld)
        found.append((name, tuple((c, counts[c]) for c in categories)))
    return tuple(found)


def _anonymise(
    episodes: list[dict[str, Any]], settings: EvaluationSettings, age_range: str
) -> Anonymised:
    """The generalisation that makes the episodes k-anonymous, and those withheld."""
    month_of = _months()
    optional_quasi = [q for q in settings.quasi_identifiers if q in EQUALITY_COLUMNS]
    quasi = [
        Quasi(
            e["area"],
            e["age_at_referral"],
            month_of(e["referral_date"]),
            e["source"],
            e["pathway"],
            e["as_of_status"],
            e["entered_cjs_as_of"],
            tuple((name, e.get(name)) for name in optional_quasi),
        )
        for e in episodes
    ]
    bands = settings.age_bands
    try:
        return anonymise(
            quasi, settings.quasi_identifiers, settings.k, bands, age_range, settings.max_withheld
        )
    except AgeBandsIncomplete as exc:
        raise SettingsRefused(f"evaluation.age_bands in config/settings.yaml: {exc}") from None


def _episode_rows(
    ledger: Ledger,
    episodes: list[dict[str, Any]],
    chosen: Anonymised,
    as_of: date,
    pseudonyms: Pseudonyms,
    settings: EvaluationSettings,
    age_range: str,
) -> list[list[Value]]:
    """The episodes not withheld as the evaluator sees them: keyed, generalised to the
    level chosen, as they stood on ``as_of``; in the order of their ``episode_key``."""
    level, bands, month_of = chosen.level, settings.age_bands, _months()
    measures = [m for m in ledger.measures if m.id in ledger.episodes.columns]
    rows: list[list[Value]] = []
    for i, e in enumerate(episodes):
        if i in chosen.withheld:
            continue
        started, ended = e["started"], e["ended"]
        rows.append(
            [
                pseudonyms.person(e["cyp_ref"]),
                pseudonyms.episode(e["episode_id"]),
                e["area"],
                age_label(e["age_at_referral"], level.age, bands, age_range),
                period_label(month_of(e["referral_date"]), level.period),
                level.source_label(e["source"], chosen.ranking),
                e["pathway"],
                e["as_of_status"],
                period_label(month_of(started), level.period) if started else None,
                period_label(month_of(ended), level.period) if ended else None,
                (started - e["referral_date"]).days if started else None,
                (ended - started).days if ended and started else None,
                e["days_since_previous_referral"],
                e["rereferred_within_365"],
                *(_optional_value(name, e) for name in optional_fields(settings)),
                *(OUTCOME.get(e[m.id]) if ended else None for m in measures),
            ]
        )
    rows.sort(key=lambda row: str(row[1]))
    return rows


def _optional_value(name: str, e: dict[str, Any]) -> Value:
    """An optional column as the extract shows it: Y/N as booleans; a date as the days
    from the end of the episode, or for a declined referral's follow-up from the referral
    (an exact date would undo the generalised periods)."""
    value = e.get(name)
    if name in ("care_experienced", "send"):
        return OUTCOME.get(value or "")
    if isinstance(value, date):
        ended: date | None = e["ended"]
        if ended is not None:
            return (value - ended).days
        declined = e["as_of_status"] == Status.DECLINED.value
        referred: date = e["referral_date"]
        return (value - referred).days if declined and name == "cjs_follow_up_end" else None
    return value if value is None else value if isinstance(value, int) else str(value)


def _months() -> Callable[[date], Month]:
    """``Month.of``, once per distinct day."""
    found: dict[date, Month] = {}

    def month_of(day: date) -> Month:
        month = found.get(day)
        if month is None:
            month = found[day] = Month.of(day)
        return month

    return month_of


def _status(status: Status, started: date | None, ended: date | None) -> str:
    """Where the episode stood on the as-of date."""
    if status is Status.DECLINED:
        return Status.DECLINED.value
    if started is None:
        return Status.REFERRED.value
    if ended is None:
        return Status.ENGAGED.value
    return status.value


def _episode_table(ledger: Ledger, as_of: date) -> list[dict[str, Any]]:
    table = ledger.episodes
    names = [
        "episode_id", "cyp_ref", "area", "referral_date", "referral_source",
        "age_at_referral", "pathway", "status", "start_date", "end_date",
    ]  # fmt: skip
    measures = [m.id for m in ledger.measures if m.id in table.columns]
    optional = [name for name in EQUALITY_COLUMNS if name in table.columns]
    columns = {name: table.column(name) for name in [*names, *measures, *optional]}
    found = []
    for i, referred in enumerate(columns["referral_date"]):
        if referred > as_of:
            continue
        row = {name: values[i] for name, values in columns.items()}
        row["source"] = row.pop("referral_source")
        row["pathway"] = str(row["pathway"])
        started = row["start_date"] if row["start_date"] and row["start_date"] <= as_of else None
        ended = (
            row["end_date"] if started and row["end_date"] and row["end_date"] <= as_of else None
        )
        row["started"], row["ended"] = started, ended
        row["as_of_status"] = _status(row["status"], started, ended)
        row["entered_cjs_as_of"] = bool(ended) and OUTCOME.get(row.get("entered_cjs") or "") is True
        found.append(row)
    _referral_history(found, as_of)
    return found


def _referral_history(episodes: list[dict[str, Any]], as_of: date) -> None:
    """Worked out on the exact dates, before anything is generalised: for each episode,
    the days since the same child's previous referral (empty for a first), and whether
    the child was referred again within :data:`FOLLOW_UP_DAYS` (empty while that window
    is still open on the as-of date and no new referral has come)."""
    by_child: dict[str, list[dict[str, Any]]] = {}
    for e in episodes:
        by_child.setdefault(e["cyp_ref"], []).append(e)
    for referrals in by_child.values():
        referrals.sort(key=lambda e: (e["referral_date"], e["episode_id"]))
        for before, e, after in zip(
            [None, *referrals[:-1]], referrals, [*referrals[1:], None], strict=True
        ):
            referred = e["referral_date"]
            e["days_since_previous_referral"] = (
                (referred - before["referral_date"]).days if before else None
            )
            if after and (after["referral_date"] - referred).days <= FOLLOW_UP_DAYS:
                e["rereferred_within_365"] = True
            elif (as_of - referred).days >= FOLLOW_UP_DAYS:
                e["rereferred_within_365"] = False
            else:
                e["rereferred_within_365"] = None


def _spend(ledger: Ledger, as_of: date) -> Resource:
    table = ledger.transactions
    sums = table.sums(
        [("date", Month.of), "budget_line", "area"], "pence", ("date", lambda d: d <= as_of)
    )
    purposes = {line.id: line.kind.value for line in ledger.line_budgets()}
    rows: list[list[Value]] = [
        [str(month), month.fy_period, line, purposes.get(str(line)), area, format_money(pence)]
        for (month, line, area), pence in sorted(
            sums.items(), key=lambda item: (item[0][0], item[0][1], item[0][2] or "")
        )
    ]
    return Resource(
        "spend",
        "Actual spend",
        "Actual spend (accruals basis: payments, accruals, reversals and refunds) by month, "
        "budget line and area, up to the as-of date; each line's purpose (delivery or "
        "evaluation) beside it.",
        spend_fields(ledger),
        rows,
    )


def _workshops(ledger: Ledger, as_of: date) -> Resource:
    table = ledger.workshops
    keys: Sequence[Any] = [("date", Month.of), "area", "kind"]
    where = ("date", lambda d: d <= as_of)
    sessions = table.counts(keys, where)
    totals = {name: table.sums(keys, name, where) for name, _ in ATTENDEES}
    rows: list[list[Value]] = [
        [str(key[0]), key[1], key[2], count, *(totals[name][key] for name in totals)]
        for key, count in sorted(sessions.items(), key=lambda item: (item[0][0], *item[0][1:]))
    ]
    kinds = list(dict.fromkeys([*ledger.settings.workshop_kinds, *(str(k[2]) for k in sessions)]))
    return Resource(
        "workshops",
        "Group sessions",
        "Group sessions (Steer Clear workshops, parent and carer sessions, professionals' "
        "training) and their attendance by month, area and kind, up to the as-of date.",
        workshop_fields(ledger, kinds),
        rows,
        ("month", "area", "kind"),
    )
