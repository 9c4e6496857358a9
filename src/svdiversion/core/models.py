"""The shapes of every workspace file, as frozen pydantic models.

Shapes only: types, formats, required fields, no unknown fields. Business rules
(sums, references between files, dates against the contract) live in ``checks``.
CSV tables are validated column by column against the row models at the bottom of
this module (see ``load.tables``), so the same model describes one row and a million.
"""

# size: declarative pydantic shapes, one section per workspace file; splitting them would
# scatter the one place that says what each file may hold.

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from .fiscal import FIRST_DATE, LAST_DATE
from .money import AMOUNT_PATTERN, MAX_WHOLE_DIGITS

# ---------------------------------------------------------------------------- shared types

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-/]*$", max_length=64)]
"""An identifier: letters, digits and ``_ . - /``, starting with a letter or digit."""

AreaId = Id
LineId = Id
MeasureId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=48)]


TOO_LARGE = f"an amount needs at most {MAX_WHOLE_DIGITS} digits before the decimal point"


def _exact_money(value: Decimal) -> Decimal:
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError("money has at most two decimal places")
    if abs(value) >= 10**MAX_WHOLE_DIGITS:
        raise ValueError(TOO_LARGE)
    return value


def _money_from_yaml(value: object) -> object:
    if isinstance(value, float):
        raise ValueError("write money as a plain decimal such as 538496.32")
    if isinstance(value, str) and not re.fullmatch(AMOUNT_PATTERN, value.strip()):
        raise ValueError(
            "write money as a plain decimal such as 538496.32, without £ or thousands separators"
        )
    return value


Money = Annotated[
    Decimal,
    BeforeValidator(_money_from_yaml),
    Field(allow_inf_nan=False),
    AfterValidator(_exact_money),
]
PositiveMoney = Annotated[Money, Field(gt=0)]
Share = Annotated[Decimal, Field(ge=0, le=1)]


def _in_range(value: date) -> date:
    """A ledger date lies between 1900 and 2199: a year such as 9999 is a typing error, and
    a report counting months up to it would run off the calendar."""
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(f"a date from {FIRST_DATE.year} to {LAST_DATE.year} is expected")
    return value


LedgerDate = Annotated[date, AfterValidator(_in_range)]


class Frozen(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True
    )


# ------------------------------------------------------------------------- config/areas.yaml


class Area(Frozen):
    """An area the service is delivered and reported in (for West Mercia, a local policing area)."""

    id: AreaId
    name: str
    local_authority: str
    population_10_17: Annotated[int, Field(ge=0)] | None = None
    valid_from: LedgerDate
    valid_to: LedgerDate | None = None
    successor: AreaId | None = None
    source: str | None = None
    verified: bool = True

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def area_in_force(areas: Mapping[str, Area], area: str, day: date) -> str:
    """``area``, or the area that succeeds it on ``day``: followed through renames while
    the one reached is not valid that day and names a known successor, stopping at a
    cycle (which the contract check reports). The one rule for where an old area's
    money and children belong: import's split, the areas report's ``--successors``."""
    seen = {area}
    current = areas.get(area)
    while current is not None and not current.valid_on(day):
        following = current.successor
        if following is None or following not in areas or following in seen:
            break
        seen.add(following)
        area, current = following, areas[following]
    return area


class AreasFile(Frozen):
    region: str | None = None
    areas: Annotated[list[Area], Field(min_length=1)]


# ---------------------------------------------------------------------- ledger/contract.yaml


class LineKind(StrEnum):
    DELIVERY = "delivery"
    EVALUATION = "evaluation"
    UNALLOCATED = "unallocated"
    OTHER = "other"


class BudgetLine(Frozen):
    id: LineId
    name: str
    kind: LineKind
    amount: Annotated[Money, Field(ge=0)]
    counterparty: str | None = None
    source: str | None = None


class Allocation(Frozen):
    """The share of a delivery line planned for one area."""

    line: LineId
    area: AreaId
    amount: Annotated[Money, Field(ge=0)]


class Tranche(Frozen):
    """One planned payment: together the tranches are the spend profile."""

    id: Id
    line: LineId
    due: LedgerDate
    amount: PositiveMoney


class Better(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class Measure(Frozen):
    """One outcome of the framework, recorded per episode as Y, N or empty; or, with
    ``derived: re_referral``, worked out from the referrals themselves: an ended episode
    is assessed once ``follow_up_days`` have passed since it ended, and achieved it when
    the same child was referred again in that time."""

    id: MeasureId
    name: str
    better: Better
    target: Share | None = None
    description: str | None = None
    derived: Literal["re_referral"] | None = None
    follow_up_days: Annotated[int, Field(ge=1, le=3660)] = 365


class Decision(Frozen):
    """A funding decision: the money a commissioner approved for one service."""

    id: Id
    reference: str
    title: str
    service: str
    commissioner: str
    provider: str
    funding_source: str
    currency: Literal["GBP"] = "GBP"
    total: PositiveMoney
    start: LedgerDate
    end: LedgerDate
    approved: LedgerDate | None = None
    source: str | None = None
    lines: Annotated[list[BudgetLine], Field(min_length=1)]
    allocations: list[Allocation] = []
    tranches: list[Tranche] = []


class LineChange(Frozen):
    line: LineId
    amount_change: Money


class AllocationChange(Frozen):
    """A reallocation: ``amount_change`` (signed) added to the recorded allocation of
    ``line`` in ``area``. Moving money between areas is a pair of changes that cancel."""

    line: LineId
    area: AreaId
    amount_change: Money


class TrancheChange(Frozen):
    """A reprofiling of one recorded tranche: ``amount_change`` (signed) added to its
    amount, and optionally a ``new_due`` date. A change of minus the whole amount cancels
    the payment."""

    tranche: Id
    amount_change: Money = Decimal(0)
    new_due: LedgerDate | None = None

    @model_validator(mode="after")
    def _changes_something(self) -> TrancheChange:
        if self.amount_change == 0 and self.new_due is None:
            raise ValueError("a tranche change needs an amount_change, a new_due, or both")
        return self


class Variation(Frozen):
    """A later change to a decision, recorded beside it, never by editing it.

    A variation can move the total, extend the end date, add lines, change a line's
    amount, add allocations and tranches, change recorded allocations
    (``allocation_changes``) and change or move recorded tranches (``tranche_changes``).
    The ledger applies variations in approval order (see ``Ledger.tranches``).
    """

    id: Id
    decision: Id
    reference: str
    approved: LedgerDate
    reason: str
    total_change: Money = Decimal(0)
    new_end: LedgerDate | None = None
    lines: list[BudgetLine] = []
    line_changes: list[LineChange] = []
    allocations: list[Allocation] = []
    tranches: list[Tranche] = []
    allocation_changes: list[AllocationChange] = []
    tranche_changes: list[TrancheChange] = []


class OutcomeFramework(Frozen):
    measures: Annotated[list[Measure], Field(min_length=1)]


class ContractFile(Frozen):
    """``ledger/contract.yaml`` and every ``ledger/contract.d/*.yaml``."""

    decisions: list[Decision] = []
    variations: list[Variation] = []
    outcome_framework: OutcomeFramework | None = None


# ---------------------------------------------------------------------- config/settings.yaml


class RagThresholds(Frozen):
    """Variance from profile, as a fraction: within ``green`` is green, within ``amber`` amber."""

    green: Share = Decimal("0.05")
    amber: Share = Decimal("0.10")


class DisclosurePolicy(Frozen):
    """How counts about children are made safe to publish (defaults: common GSS practice)."""

    suppress_below: Annotated[int, Field(ge=5)] = 5
    round_to: Annotated[int, Field(ge=5)] = 5
    min_rate_denominator: Annotated[int, Field(ge=1)] = 20
    secondary_suppression: bool = True
    suppressed_symbol: str = "[c]"
    protection_interval: Annotated[int, Field(ge=2)] = 3
    """A hidden count must stay among at least this many values, whatever a reader works
    out from every published release (see docs/disclosure.md)."""


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    return value


QuasiIdentifier = Literal[
    "area",
    "age",
    "referral_period",
    "referral_source",
    "pathway",
    "sex",
    "ethnicity",
    "care_experienced",
    "send",
]
"""An episode field an outsider might know about a child, used for k-anonymity. The last
four are optional columns of ``ledger/outcomes.csv`` (:data:`EQUALITY_COLUMNS`)."""

EqualityColumn = Literal[
    "sex",
    "ethnicity",
    "care_experienced",
    "send",
    "education_status",
    "referral_reason",
    "closure_reason",
    "sessions_attended",
    "outcome_assessed_date",
    "cjs_follow_up_end",
]
"""An optional column of ``ledger/outcomes.csv``: equality and follow-up fields."""

AgeBand = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,2}-[0-9]{1,2}$")]
"""Ages ``LOW-HIGH`` inclusive, e.g. ``12-14``."""


def _bands_in_order(bands: list[str]) -> list[str]:
    previous = None
    for band in bands:
        low, high = (int(part) for part in band.split("-"))
        if low > high:
            raise ValueError(f"age band {band} ends before it starts")
        if previous is not None and low != previous + 1:
            raise ValueError(f"age band {band} does not follow on from the band before it")
        previous = high
    return bands


def _distinct(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("each quasi-identifier is listed once")
    return values


def _listed_once(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("each value is listed once")
    return values


class EvaluationSettings(Frozen):
    """The evaluator's extract (docs/evaluation.md): k-anonymity on the quasi-identifiers,
    reached by generalising periods, then ages into ``age_bands``, then withholding rows."""

    k: Annotated[int, Field(ge=2)] = 5
    quasi_identifiers: Annotated[
        list[QuasiIdentifier], Field(min_length=1), AfterValidator(_distinct)
    ] = ["area", "age", "referral_period", "referral_source"]
    age_bands: Annotated[list[AgeBand], Field(min_length=1), AfterValidator(_bands_in_order)] = [
        "10-11",
        "12-14",
        "15-17",
    ]
    max_withheld: Share = Decimal("0.05")
    attributes: Annotated[list[EqualityColumn], AfterValidator(_listed_once)] = []
    """Optional columns of the ledger exported as they are, beside the quasi-identifiers:
    not generalised, so only what an outsider could not know."""


Vocabulary = Annotated[
    list[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]],
    Field(min_length=1),
    AfterValidator(_listed_once),
]


GROUP_COLUMNS = ("sex", "ethnicity", "care_experienced", "send")
"""The equality columns referrals are broken down by in published reports."""


class EqualitySettings(Frozen):
    """The values the optional coded columns of ``ledger/outcomes.csv`` may hold (an empty
    value is not recorded). Ethnicity is the ONS five groups plus not known.

    ``population_10_17``: each group's share of the 10 to 17 year olds of the service's
    area (``{ethnicity: {white: 0.84, ...}}``, ``care_experienced`` and ``send`` by
    ``yes``/``no``), with ``population_source`` saying where the shares come from (an
    ONS release, say); the equality table sets referrals against them."""

    sex: Vocabulary = ["female", "male", "other", "not_known"]
    ethnicity: Vocabulary = ["asian", "black", "mixed", "white", "other", "not_known"]
    education_status: Vocabulary = [
        "in_education",
        "employment",
        "training",
        "neet",
        "not_known",
    ]
    referral_reason: Vocabulary = [
        "weapon_carrying",
        "violence",
        "exploitation_risk",
        "antisocial_behaviour",
        "other",
    ]
    closure_reason: Vocabulary = [
        "plan_completed",
        "declined",
        "disengaged",
        "moved_away",
        "entered_custody",
        "other",
    ]
    population_10_17: dict[str, dict[str, Share]] = {}
    population_source: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None

    @model_validator(mode="after")
    def _known_groups(self) -> EqualitySettings:
        for column, shares in self.population_10_17.items():
            if column not in GROUP_COLUMNS:
                raise ValueError(
                    f"population_10_17: {column!r} is not one of {', '.join(GROUP_COLUMNS)}"
                )
            known = (
                ["yes", "no"] if column in ("care_experienced", "send") else getattr(self, column)
            )
            unknown = sorted(set(shares) - set(known))
            if unknown:
                raise ValueError(
                    f"population_10_17: {column} has no group {', '.join(unknown)} "
                    f"(its groups: {', '.join(known)})"
                )
            if sum(shares.values()) > 1:
                raise ValueError(f"population_10_17: the shares of {column} add up to more than 1")
        if self.population_10_17 and self.population_source is None:
            raise ValueError("population_10_17 needs population_source: where the shares come from")
        return self


class TrendsSettings(Frozen):
    """Statistical process control of referrals and outcome rates (docs/trends.md)."""

    chart: Literal["auto", "xmr", "c"] = "auto"
    c_chart_below: Annotated[int, Field(ge=1)] = 10
    baseline_months: Annotated[int, Field(ge=2)] = 12
    run_length: Annotated[int, Field(ge=2)] = 7
    trend_length: Annotated[int, Field(ge=3)] = 7
    recent_months: Annotated[int, Field(ge=1)] = 3


class Settings(Frozen):
    service_name: str = "Commissioned service"
    cyp_ref_pattern: Annotated[str, AfterValidator(_regex)] = r"^CYP-[0-9]{5}$"
    age_min: Annotated[int, Field(ge=0)] = 10
    age_max: Annotated[int, Field(ge=0)] = 17
    referral_sources: list[str] = []
    workshop_kinds: list[str] = ["steer_clear_group", "parent_session", "professional_training"]
    protective_marking: str = "OFFICIAL-SENSITIVE"
    rag: RagThresholds = Field(default_factory=RagThresholds)
    disclosure: DisclosurePolicy = Field(default_factory=DisclosurePolicy)
    evaluation: EvaluationSettings = Field(default_factory=EvaluationSettings)
    equality: EqualitySettings = Field(default_factory=EqualitySettings)
    trends: TrendsSettings = Field(default_factory=TrendsSettings)

    def cyp_ref_regex(self) -> re.Pattern[str]:
        return re.compile(self.cyp_ref_pattern)


# ------------------------------------------------------------------------------ CSV rows


def _empty_to_none(value: object) -> object:
    return None if value == "" else value


def _iso_date(value: object) -> object:
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("write dates as YYYY-MM-DD")
    return value


def _ledger_amount(value: object) -> object:
    if isinstance(value, str) and not re.fullmatch(AMOUNT_PATTERN, value):
        raise ValueError(_amount_reason(value))
    return value


def _amount_reason(text: str) -> str:
    if any(symbol in text for symbol in "£$€"):
        return "a currency symbol in the amount"
    if "," in text:
        return "a thousands separator in the amount"
    if re.fullmatch(r"-?\d+\.\d{3,}", text):
        return "more than two decimal places"
    if re.fullmatch(r"-?[1-9]\d*(\.\d{1,2})?", text):
        return TOO_LARGE
    if text.startswith("(") and text.endswith(")"):
        return "a negative in parentheses"
    return "not a plain decimal amount"


IsoDate = Annotated[date, BeforeValidator(_iso_date), AfterValidator(_in_range)]
OptionalIsoDate = Annotated[IsoDate | None, BeforeValidator(_empty_to_none)]
OptionalId = Annotated[Id | None, BeforeValidator(_empty_to_none)]
LedgerAmount = Annotated[str, BeforeValidator(_ledger_amount)]
Text = Annotated[str, StringConstraints(max_length=500)]


class TransactionKind(StrEnum):
    PAYMENT = "payment"
    ACCRUAL = "accrual"
    REVERSAL = "reversal"
    REFUND = "refund"


class TransactionRow(Frozen):
    """One row of ``ledger/transactions.csv``; ``amount`` is signed pounds."""

    id: Id
    date: IsoDate
    kind: TransactionKind
    budget_line: Id
    area: OptionalId
    amount: LedgerAmount
    reference: Text
    counterparty: Text
    description: Text
    tranche: OptionalId = None


OptionalText = Annotated[Text | None, BeforeValidator(_empty_to_none)]


class SourceRow(Frozen):
    """One row of ``ledger/sources.csv``: where ``import`` took the ledger row ``id`` from.

    ``file`` and ``line`` locate the finance export's row (the path as the workspace
    names it); ``payment_number`` is the export's payment or document number when the
    mapping names such a column. The rows of one payment (an invoice split by area)
    share one source, so ``reconcile`` sees them as the one payment the export lists.
    """

    id: Id
    file: Text
    line: Annotated[int, Field(ge=1, strict=False)]
    payment_number: OptionalText = None


class Pathway(StrEnum):
    ONE_TO_ONE = "one_to_one"
    GROUP = "group"


class Status(StrEnum):
    REFERRED = "referred"
    DECLINED = "declined"
    ENGAGED = "engaged"
    COMPLETED = "completed"
    DISENGAGED = "disengaged"


MeasureValue = Annotated[Literal["Y", "N"] | None, BeforeValidator(_empty_to_none)]


class EpisodeRow(Frozen):
    """One referral episode of ``ledger/outcomes.csv`` (measure columns follow these)."""

    episode_id: Id
    cyp_ref: Id
    area: Id
    referral_date: IsoDate
    referral_source: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    age_at_referral: Annotated[int, Field(strict=False)]
    pathway: Pathway
    status: Status
    start_date: OptionalIsoDate
    end_date: OptionalIsoDate


OptionalCode = Annotated[
    Annotated[str, StringConstraints(min_length=1, max_length=64)] | None,
    BeforeValidator(_empty_to_none),
]
OptionalCount = Annotated[
    Annotated[int, Field(ge=0, strict=False)] | None, BeforeValidator(_empty_to_none)
]

EQUALITY_COLUMNS: dict[str, Any] = {
    "sex": OptionalCode,
    "ethnicity": OptionalCode,
    "care_experienced": MeasureValue,
    "send": MeasureValue,
    "education_status": OptionalCode,
    "referral_reason": OptionalCode,
    "closure_reason": OptionalCode,
    "sessions_attended": OptionalCount,
    "outcome_assessed_date": OptionalIsoDate,
    "cjs_follow_up_end": OptionalIsoDate,
}
"""The optional columns of ``ledger/outcomes.csv`` and the type each is read with; the
coded ones take their values from ``equality`` in ``config/settings.yaml``."""
CODED_COLUMNS = ("sex", "ethnicity", "education_status", "referral_reason", "closure_reason")


class WorkshopRow(Frozen):
    """One group session of ``ledger/workshops.csv``."""

    session_id: Id
    date: IsoDate
    area: Id
    kind: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
    cyp_attendees: Annotated[int, Field(ge=0)]
    parent_attendees: Annotated[int, Field(ge=0)]
    professional_attendees: Annotated[int, Field(ge=0)]


# ------------------------------------------------------------------- config/unit_costs.yaml


class UnitCost(Frozen):
    """The cost of one offence, with its price base and source; unverified figures say so."""

    offence: str
    unit_cost: PositiveMoney
    price_base: str
    source: str
    verified: bool
    note: str | None = None


class UnitCostsFile(Frozen):
    unit_costs: Annotated[list[UnitCost], Field(min_length=1)]


# ------------------------------------------------------------------------ ledger/closes.yaml

MonthText = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
"""A calendar month written ``2024-09``."""


class CloseAction(StrEnum):
    CLOSE = "close"
    REOPEN = "reopen"


class MonthClose(Frozen):
    """One record of ``ledger/closes.yaml``: a month closed, or reopened with a reason.

    ``svdiversion close`` and ``reopen`` append records; nothing edits them. A close keeps
    the SHA-256 digest of the month's transaction rows and a short digest per row, so a
    later change can be named row by row (see docs/reconcile.md).
    """

    action: CloseAction
    month: MonthText
    at: datetime
    by: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    reason: Annotated[str, StringConstraints(min_length=1, max_length=1000)] | None = None
    totals: dict[str, Money] = {}
    digest: Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")] | None = None
    rows: dict[Id, Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16}$")]] = {}
    # budget line -> short digest of the month's commentary on it; None for a close made
    # before commentary was locked with the rows (it is then not compared).
    commentary: dict[Id, Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16}$")]] | None = None
    # the finance exports the month was reconciled with when closed: path -> sha256 digest
    # of the file's bytes (empty for a close made before they were recorded).
    exports: dict[
        Annotated[str, StringConstraints(min_length=1, max_length=1000)],
        Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")],
    ] = {}

    @model_validator(mode="after")
    def _complete(self) -> MonthClose:
        if self.action is CloseAction.CLOSE and self.digest is None:
            raise ValueError("a close record needs the digest of the month's rows")
        if self.action is CloseAction.REOPEN and self.reason is None:
            raise ValueError("a reopen record needs its reason")
        return self


class ClosesFile(Frozen):
    closes: list[MonthClose] = []


# -------------------------------------------------------------------- ledger/commentary.yaml


class Comment(Frozen):
    """The treasurer's explanation of a month's variance on a budget line (docs/reconcile.md)."""

    month: MonthText
    budget_line: Id
    text: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class CommentaryFile(Frozen):
    commentary: tuple[Comment, ...] = ()


# ------------------------------------------------------------------------ ledger/shares.yaml

Digest = Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")]


class ShareRecord(Frozen):
    """One record of ``ledger/shares.yaml``: an evaluation extract shared, with whom, why,
    by whom, and the SHA-256 of every file sent. Appended by ``svdiversion export
    evaluation``; nothing edits it (docs/evaluation.md)."""

    at: AwareDatetime  # with its UTC offset, so records compare in time
    by: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    recipient: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    purpose: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    as_of: LedgerDate
    key_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16}$")]
    k: Annotated[int, Field(ge=2)]
    quasi_identifiers: list[QuasiIdentifier]
    generalisation: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    episodes: Annotated[int, Field(ge=0)]
    withheld: Annotated[int, Field(ge=0)]
    files: Annotated[dict[str, Digest], Field(min_length=1)]


class SharesFile(Frozen):
    shares: list[ShareRecord] = []
