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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..core.fiscal import Month
from ..core.ledger import Ledger
from ..core.models import EvaluationSettings, Status
from ..core.money import format_money
from .anonymity import (
    AgeBandsIncomplete,
    Anonymised,
    Quasi,
    age_label,
    anonymise,
    period_label,
)
from .pseudonyms import Pseudonyms

Value = str | int | None
HEX64 = "^[0-9a-f]{64}$"
PERIOD_FORMATS: dict[str, dict[str, Any]] = {
    "month": {"type": "yearmonth"},
    "quarter": {"type": "string", "constraints": {"pattern": r"^[0-9]{4}/[0-9]{2} Q[1-4]$"}},
    "year": {"type": "string", "constraints": {"pattern": r"^[0-9]{4}/[0-9]{2}$"}},
    "all": {"type": "string", "constraints": {"enum": ["all"]}},
}
PERIOD_WORDS = {
    "month": "the calendar month, YYYY-MM",
    "quarter": "the financial quarter, e.g. 2024/25 Q2 (Q1 is April to June)",
    "year": "the financial year, e.g. 2024/25 (April to March)",
    "all": "withheld for k-anonymity: always 'all'",
}


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
    month_of = _months()
    quasi = [
        Quasi(
            e["area"], e["age_at_referral"], month_of(e["referral_date"]), e["source"], e["pathway"]
        )
        for e in episodes
    ]
    bands = settings.age_bands
    try:
        chosen = anonymise(
            quasi, settings.quasi_identifiers, settings.k, bands, age_range, settings.max_withheld
        )
    except AgeBandsIncomplete as exc:
        raise SettingsRefused(f"evaluation.age_bands in config/settings.yaml: {exc}") from None
    level = chosen.level
    measures = [m for m in ledger.measures if m.id in ledger.episodes.columns]
    rows = []
    for i, e in enumerate(episodes):
        if i in chosen.withheld:
            continue
        started = e["start_date"] if e["start_date"] and e["start_date"] <= as_of else None
        ended = e["end_date"] if started and e["end_date"] and e["end_date"] <= as_of else None
        rows.append(
            [
                pseudonyms.person(e["cyp_ref"]),
                pseudonyms.episode(e["episode_id"]),
                e["area"],
                age_label(e["age_at_referral"], level.age, bands, age_range),
                period_label(month_of(e["referral_date"]), level.period),
                e["source"],
                e["pathway"],
                _status(e["status"], started, ended),
                period_label(month_of(started), level.period) if started else None,
                period_label(month_of(ended), level.period) if ended else None,
                (started - e["referral_date"]).days if started else None,
                (ended - started).days if ended and started else None,
                *(e[m.id] if ended else None for m in measures),
            ]
        )
    rows.sort(key=lambda row: str(row[1]))
    return Extract(
        service=ledger.settings.service_name,
        marking=ledger.settings.protective_marking,
        as_of=as_of,
        key_id=pseudonyms.key_id,
        settings=settings,
        referred=len(episodes),
        anonymised=chosen,
        generalisation=level.describe(bands),
        resources=(
            Resource(
                "episodes",
                "Referral episodes",
                "One row per referral episode referred by the as-of date and not withheld "
                "for k-anonymity, in no meaningful order.",
                tuple(_episode_fields(ledger, settings, level.period, level.age, age_range)),
                rows,
                ("episode_key",),
            ),
            _spend(ledger, as_of),
            _workshops(ledger, as_of),
        ),
    )


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
    columns = {name: table.column(name) for name in [*names, *measures]}
    found = []
    for i, referred in enumerate(columns["referral_date"]):
        if referred > as_of:
            continue
        row = {name: values[i] for name, values in columns.items()}
        row["source"] = row.pop("referral_source")
        row["pathway"] = str(row["pathway"])
        found.append(row)
    return found


# ------------------------------------------------------------------- data dictionary


def _field(name: str, kind: str, description: str, **more: Any) -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "type": kind, "description": description}
    field.update(more)
    return field


def _period_field(name: str, level: str, what: str, required: bool) -> dict[str, Any]:
    form = dict(PERIOD_FORMATS[level])
    constraints = dict(form.pop("constraints", {}))
    if required:
        constraints["required"] = True
    field = _field(name, form["type"], f"{what}: {PERIOD_WORDS[level]}.")
    if constraints:
        field["constraints"] = constraints
    return field


def _episode_fields(
    ledger: Ledger, settings: EvaluationSettings, period: str, age: str, age_range: str
) -> list[dict[str, Any]]:
    areas = list(ledger.areas)
    area_names = "; ".join(f"{a} = {ledger.areas[a].name}" for a in areas)
    sources = ledger.settings.referral_sources or sorted(
        {str(s) for s in ledger.episodes.distinct("referral_source")}
    )
    fields = [
        _field(
            "person_key",
            "string",
            "The child, pseudonymised: HMAC-SHA256 of the provider's reference under the "
            "commissioner's key. The same child has the same key in every extract made "
            "with the same key; it cannot be turned back into the reference.",
            constraints={"required": True, "pattern": HEX64},
        ),
        _field(
            "episode_key",
            "string",
            "The episode, pseudonymised like person_key; unique. A child referred twice "
            "has two episodes with the same person_key.",
            constraints={"required": True, "unique": True, "pattern": HEX64},
        ),
        _field(
            "area",
            "string",
            f"The area the child was referred in: {area_names}.",
            constraints={"required": True, "enum": areas},
        ),
    ]
    if age == "exact":
        fields.append(
            _field(
                "age_at_referral",
                "integer",
                "Age in years at referral.",
                constraints={
                    "required": True,
                    "minimum": ledger.settings.age_min,
                    "maximum": ledger.settings.age_max,
                },
            )
        )
    else:
        bands = list(settings.age_bands) if age == "band" else [age_range]
        fields.append(
            _field(
                "age_band",
                "string",
                "Age at referral, generalised for k-anonymity"
                + (" (the whole eligible range: age withheld)." if age == "all" else "."),
                constraints={"required": True, "enum": bands},
            )
        )
    fields += [
        _period_field("referral_period", period, "When the child was referred", True),
        _field(
            "referral_source",
            "string",
            "Who referred the child.",
            constraints={"required": True, "enum": sources},
        ),
        _field(
            "pathway",
            "string",
            "one_to_one: 1:1 trusted-adult support; group: group work.",
            constraints={"required": True, "enum": ["one_to_one", "group"]},
        ),
        _field(
            "status",
            "string",
            "Where the episode stood on the as-of date: referred (not started), declined, "
            "engaged (started, not ended), completed or disengaged.",
            constraints={"required": True, "enum": [s.value for s in Status]},
        ),
        _period_field("start_period", period, "When the child engaged; empty if not", False),
        _period_field("end_period", period, "When the episode ended; empty if not", False),
        _field(
            "days_referral_to_start",
            "integer",
            "Days from referral to engagement; empty if the child has not engaged.",
            constraints={"minimum": 0},
        ),
        _field(
            "days_start_to_end",
            "integer",
            "Days from engagement to the end of the episode; empty if it has not ended.",
            constraints={"minimum": 0},
        ),
    ]
    for measure in ledger.measures:
        if measure.id not in ledger.episodes.columns:
            continue
        target = f"; target {measure.target:.0%}" if measure.target is not None else ""
        detail = f" {measure.description}." if measure.description else ""
        fields.append(
            _field(
                measure.id,
                "boolean",
                f"Outcome '{measure.name}' (better {measure.better.value}{target}), assessed "
                f"when the episode ended: Y achieved, N not, empty not assessed or not "
                f"ended.{detail}",
                trueValues=["Y"],
                falseValues=["N"],
            )
        )
    return fields


def _spend(ledger: Ledger, as_of: date) -> Resource:
    table = ledger.transactions
    sums = table.sums(
        [("date", Month.of), "budget_line", "area"], "pence", ("date", lambda d: d <= as_of)
    )
    rows: list[list[Value]] = [
        [str(month), month.fy_period, line, area, format_money(pence)]
        for (month, line, area), pence in sorted(
            sums.items(), key=lambda item: (item[0][0], item[0][1], item[0][2] or "")
        )
    ]
    lines = [line.id for line in ledger.line_budgets()]
    return Resource(
        "spend",
        "Actual spend",
        "Actual spend (accruals basis: payments, accruals, reversals and refunds) by month, "
        "budget line and area, up to the as-of date.",
        (
            _field(
                "month", "yearmonth", "Calendar month, YYYY-MM.", constraints={"required": True}
            ),
            _field(
                "fy_period",
                "string",
                "Financial period, e.g. 2024/25 P06 (P01 is April).",
                constraints={"required": True, "pattern": r"^[0-9]{4}/[0-9]{2} P[0-9]{2}$"},
            ),
            _field(
                "budget_line",
                "string",
                "Budget line of the contract.",
                constraints={"required": True, "enum": lines},
            ),
            _field(
                "area",
                "string",
                "Area the spend is for; empty for costs not tied to an area.",
                constraints={"enum": list(ledger.areas)},
            ),
            _field(
                "amount",
                "number",
                "Pounds, two decimals; negative where refunds and reversals exceed payments.",
                constraints={"required": True},
            ),
        ),
        rows,
    )


def _workshops(ledger: Ledger, as_of: date) -> Resource:
    table = ledger.workshops
    keys: Sequence[Any] = [("date", Month.of), "area", "kind"]
    where = ("date", lambda d: d <= as_of)
    sessions = table.counts(keys, where)
    totals = {
        name: table.sums(keys, name, where)
        for name in ("cyp_attendees", "parent_attendees", "professional_attendees")
    }
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
        (
            _field(
                "month", "yearmonth", "Calendar month, YYYY-MM.", constraints={"required": True}
            ),
            _field(
                "area",
                "string",
                "Area of the sessions.",
                constraints={"required": True, "enum": list(ledger.areas)},
            ),
            _field(
                "kind", "string", "Kind of session.", constraints={"required": True, "enum": kinds}
            ),
            _field(
                "sessions",
                "integer",
                "Sessions held.",
                constraints={"required": True, "minimum": 1},
            ),
            *(
                _field(
                    name,
                    "integer",
                    f"{label} attending, summed over the sessions.",
                    constraints={"required": True, "minimum": 0},
                )
                for name, label in (
                    ("cyp_attendees", "Children and young people"),
                    ("parent_attendees", "Parents and carers"),
                    ("professional_attendees", "Professionals"),
                )
            ),
        ),
        rows,
        ("month", "area", "kind"),
    )
