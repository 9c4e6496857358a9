"""The data dictionary of the evaluator's extract: a Table Schema field (the Frictionless
standard) for every column of its three tables, with its type, format, constraints,
allowed values and a description a reader of the extract can rely on.

Plain data: :mod:`.extract` puts the fields beside the rows, and the render layer writes
them into ``datapackage.json``.
"""

from __future__ import annotations

from typing import Any

from ..core.ledger import Ledger
from ..core.models import EQUALITY_COLUMNS, Better, EvaluationSettings, LineKind, Status

HEX64 = "^[0-9a-f]{64}$"
PERIOD_FORMATS: dict[str, dict[str, Any]] = {
    "month": {"type": "yearmonth"},
    "quarter": {"type": "string", "constraints": {"pattern": r"^[0-9]{4}/[0-9]{2} Q[1-4]$"}},
    "half": {"type": "string", "constraints": {"pattern": r"^[0-9]{4}/[0-9]{2} H[12]$"}},
    "year": {"type": "string", "constraints": {"pattern": r"^[0-9]{4}/[0-9]{2}$"}},
    "all": {"type": "string", "constraints": {"enum": ["all"]}},
}
PERIOD_WORDS = {
    "month": "the calendar month, YYYY-MM",
    "quarter": "the financial quarter, e.g. 2024/25 Q2 (Q1 is April to June)",
    "half": "the financial half-year, e.g. 2024/25 H1 (H1 is April to September)",
    "year": "the financial year, e.g. 2024/25 (April to March)",
    "all": "withheld for k-anonymity: always 'all'",
}
ATTENDEES = (
    ("cyp_attendees", "Children and young people"),
    ("parent_attendees", "Parents and carers"),
    ("professional_attendees", "Professionals"),
)

Field = dict[str, Any]


def field(name: str, kind: str, description: str, **more: Any) -> Field:
    found: Field = {"name": name, "type": kind, "description": description}
    found.update(more)
    return found


def period_field(name: str, level: str, what: str, required: bool) -> Field:
    form = dict(PERIOD_FORMATS[level])
    constraints = dict(form.pop("constraints", {}))
    if required:
        constraints["required"] = True
    found = field(name, form["type"], f"{what}: {PERIOD_WORDS[level]}.")
    if constraints:
        found["constraints"] = constraints
    return found


# ----------------------------------------------------------------------------- episodes


def episode_fields(
    ledger: Ledger,
    settings: EvaluationSettings,
    period: str,
    age: str,
    age_range: str,
    sources: list[str],
) -> list[Field]:
    """The columns of ``episodes.csv`` with the generalisation chosen: ``period`` and
    ``age`` are the levels (``month``/``quarter``/... and ``exact``/``band``/``all``),
    ``sources`` the referral sources it may show (``other`` and ``all`` included)."""
    return [
        *_key_fields(ledger),
        _age_field(ledger, settings, age, age_range),
        *_referral_fields(period, sources),
        *_progress_fields(period),
        *_history_fields(),
        *_optional_fields(ledger, settings),
        *_measure_fields(ledger),
    ]


def optional_fields(settings: EvaluationSettings) -> list[str]:
    """The ledger's optional columns the extract carries: the optional quasi-identifiers,
    then ``evaluation.attributes``, each once."""
    quasi = [q for q in settings.quasi_identifiers if q in EQUALITY_COLUMNS]
    return list(dict.fromkeys([*quasi, *settings.attributes]))


OPTIONAL_WORDS = {
    "sex": "Sex, as recorded by the provider.",
    "ethnicity": "Ethnic group: the ONS five groups (asian, black, mixed, white, other) or "
    "not_known.",
    "care_experienced": "true when the child is or has been looked after (care experienced).",
    "send": "true when the child has special educational needs or a disability (SEND).",
    "education_status": "Education, employment or training at referral.",
    "referral_reason": "Why the child was referred.",
    "closure_reason": "Why the episode was declined or closed.",
    "sessions_attended": "Sessions the child attended in the episode.",
    "outcome_assessed_date": "Days from the end of the episode to the day its outcomes were "
    "assessed (a day count: an exact date would undo the generalised periods); empty if not "
    "recorded or not ended.",
    "cjs_follow_up_end": "Days from the end of the episode (from the referral, for a declined "
    "one: the comparison group) to the end of the follow-up window for entering the "
    "criminal justice system; empty if not recorded.",
}


def _optional_fields(ledger: Ledger, settings: EvaluationSettings) -> list[Field]:
    found = []
    for name in optional_fields(settings):
        words = OPTIONAL_WORDS[name] + " Empty when not recorded."
        if name in ("care_experienced", "send"):
            found.append(field(name, "boolean", words))
        elif name in ("sessions_attended",):
            found.append(field(name, "integer", words, constraints={"minimum": 0}))
        elif name in ("outcome_assessed_date", "cjs_follow_up_end"):
            found.append(field(f"days_end_to_{name.removesuffix('_date')}", "integer", words))
        else:
            allowed = list(getattr(ledger.settings.equality, name))
            found.append(field(name, "string", words, constraints={"enum": allowed}))
    return found


def _key_fields(ledger: Ledger) -> list[Field]:
    areas = list(ledger.areas)
    area_names = "; ".join(f"{a} = {ledger.areas[a].name}" for a in areas)
    return [
        field(
            "person_key",
            "string",
            "The child, pseudonymised: HMAC-SHA256 of the provider's reference under the "
            "commissioner's key. The same child has the same key in every extract made "
            "with the same key; it cannot be turned back into the reference.",
            constraints={"required": True, "pattern": HEX64},
        ),
        field(
            "episode_key",
            "string",
            "The episode, pseudonymised like person_key; unique. A child referred twice "
            "has two episodes with the same person_key.",
            constraints={"required": True, "unique": True, "pattern": HEX64},
        ),
        field(
            "area",
            "string",
            f"The area the child was referred in: {area_names}.",
            constraints={"required": True, "enum": areas},
        ),
    ]


def _age_field(ledger: Ledger, settings: EvaluationSettings, age: str, age_range: str) -> Field:
    if age == "exact":
        return field(
            "age_at_referral",
            "integer",
            "Age in years at referral.",
            constraints={
                "required": True,
                "minimum": ledger.settings.age_min,
                "maximum": ledger.settings.age_max,
            },
        )
    bands = list(settings.age_bands) if age == "band" else [age_range]
    return field(
        "age_band",
        "string",
        "Age at referral, generalised for k-anonymity"
        + (" (the whole eligible range: age withheld)." if age == "all" else "."),
        constraints={"required": True, "enum": bands},
    )


def _referral_fields(period: str, sources: list[str]) -> list[Field]:
    return [
        period_field("referral_period", period, "When the child was referred", True),
        field(
            "referral_source",
            "string",
            "Who referred the child; 'other' for the rarer sources, recoded together for "
            "k-anonymity, and 'all' when the source is withheld.",
            constraints={"required": True, "enum": sources},
        ),
        field(
            "pathway",
            "string",
            "one_to_one: 1:1 trusted-adult support; group: group work.",
            constraints={"required": True, "enum": ["one_to_one", "group"]},
        ),
    ]


def _progress_fields(period: str) -> list[Field]:
    return [
        field(
            "status",
            "string",
            "Where the episode stood on the as-of date: referred (not started), declined, "
            "engaged (started, not ended), completed or disengaged.",
            constraints={"required": True, "enum": [s.value for s in Status]},
        ),
        period_field("start_period", period, "When the child engaged; empty if not", False),
        period_field("end_period", period, "When the episode ended; empty if not", False),
        field(
            "days_referral_to_start",
            "integer",
            "Days from referral to engagement; empty if the child has not engaged.",
            constraints={"minimum": 0},
        ),
        field(
            "days_start_to_end",
            "integer",
            "Days in service: from engagement to the end of the episode; empty if it has not "
            "ended.",
            constraints={"minimum": 0},
        ),
    ]


def _history_fields() -> list[Field]:
    return [
        field(
            "days_since_previous_referral",
            "integer",
            "Days from the same child's previous referral to this one, worked out on the "
            "exact dates before anything was generalised (the previous episode may be "
            "withheld from this extract); empty for a child's first referral.",
            constraints={"minimum": 0},
        ),
        field(
            "rereferred_within_365",
            "boolean",
            "Re-referral: true when the same child was referred again within 365 days of "
            "this referral; false when 365 days passed by the as-of date without one; "
            "empty when the 365 days had not yet passed and no new referral had come. "
            "Worked out on the exact dates, before anything was generalised.",
        ),
    ]


POSITIVE = (
    "A positive outcome is a measure in its better direction: true where higher is "
    "better, false where lower is better (not entering the criminal justice system, say); "
    "the service's positive outcomes are counted over episodes that ended and were assessed."
)


def _measure_fields(ledger: Ledger) -> list[Field]:
    fields = []
    for measure in ledger.measures:
        if measure.id not in ledger.episodes.columns:
            continue
        target = f"; target {measure.target:.0%}" if measure.target is not None else ""
        detail = f" {measure.description}." if measure.description else ""
        fields.append(
            field(
                measure.id,
                "boolean",
                f"Outcome '{measure.name}' (better {measure.better.value}{target}), assessed "
                f"when the episode ended: true achieved, false not, empty not assessed or "
                f"not ended.{detail} A positive outcome here is "
                f"{'true' if measure.better is Better.HIGHER else 'false'}. {POSITIVE}",
            )
        )
    return fields


# ------------------------------------------------------------------- spend and workshops


def spend_fields(ledger: Ledger) -> tuple[Field, ...]:
    lines = [line.id for line in ledger.line_budgets()]
    return (
        field("month", "yearmonth", "Calendar month, YYYY-MM.", constraints={"required": True}),
        field(
            "fy_period",
            "string",
            "Financial period, e.g. 2024/25 P06 (P01 is April).",
            constraints={"required": True, "pattern": r"^[0-9]{4}/[0-9]{2} P[0-9]{2}$"},
        ),
        field(
            "budget_line",
            "string",
            "Budget line of the contract.",
            constraints={"required": True, "enum": lines},
        ),
        field(
            "purpose",
            "string",
            "What the line pays for, from its kind in the contract: delivery (the service), "
            "evaluation (the independent evaluation, which delivers no episode: leave it out "
            "for the cost of delivery), unallocated or other.",
            constraints={"required": True, "enum": [kind.value for kind in LineKind]},
        ),
        field(
            "area",
            "string",
            "Area the spend is for; empty for costs not tied to an area.",
            constraints={"enum": list(ledger.areas)},
        ),
        field(
            "amount",
            "number",
            "Pounds, two decimals; negative where refunds and reversals exceed payments.",
            constraints={"required": True},
        ),
    )


def workshop_fields(ledger: Ledger, kinds: list[str]) -> tuple[Field, ...]:
    return (
        field("month", "yearmonth", "Calendar month, YYYY-MM.", constraints={"required": True}),
        field(
            "area",
            "string",
            "Area of the sessions.",
            constraints={"required": True, "enum": list(ledger.areas)},
        ),
        field("kind", "string", "Kind of session.", constraints={"required": True, "enum": kinds}),
        field(
            "sessions",
            "integer",
            "Sessions held.",
            constraints={"required": True, "minimum": 1},
        ),
        *(
            field(
                name,
                "integer",
                f"{label} attending, summed over the sessions.",
                constraints={"required": True, "minimum": 0},
            )
            for name, label in ATTENDEES
        ),
    )
