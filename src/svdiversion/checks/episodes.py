"""Rules over ``ledger/outcomes.csv`` (referral episodes) and ``ledger/workshops.csv``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from ..core.codes import Code
from ..core.ledger import Ledger
from ..core.models import CODED_COLUMNS, Status
from ..core.problems import Problem
from ..core.table import Key, Less, Matches, Table
from .common import area_problems, date_problems, duplicate_id_problems, repeated
from .context import CheckContext

ENGAGED_STATUSES = frozenset({Status.ENGAGED, Status.COMPLETED, Status.DISENGAGED})
ENDED_STATUSES = frozenset({Status.COMPLETED, Status.DISENGAGED})


def duplicate_episode_ids(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    yield from duplicate_id_problems(
        ledger.episodes, "episode_id", "episode", "give every referral episode its own id"
    )
    yield from duplicate_id_problems(
        ledger.workshops, "session_id", "workshop session", "give every session its own id"
    )


def pseudonymous_refs(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    table = ledger.episodes
    pattern = ledger.settings.cyp_ref_regex()
    for row in table.rows_where([Matches("cyp_ref", pattern)], lambda matches: not matches):
        yield table.problem(
            row,
            "cyp_ref",
            Code.E108,
            f"cyp_ref {table.column('cyp_ref')[row]!r} does not match the pseudonym pattern "
            f"{ledger.settings.cyp_ref_pattern}",
            "use the pseudonymous reference from the case system, never a "
            "name; the pattern is cyp_ref_pattern in config/settings.yaml",
        )


def episode_areas(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    yield from area_problems(ledger, ledger.episodes, "referral_date", "the referral")
    yield from area_problems(ledger, ledger.workshops, "date", "the session")


def episode_dates(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    """Referral, start and end dates within the contract and not after the as-of date."""
    if not ledger.decisions:
        return
    start, end = ledger.start, ledger.end
    for column in ("referral_date", "start_date", "end_date"):
        yield from date_problems(ledger.episodes, column, start, end, context.as_of, "episode")
    yield from date_problems(ledger.workshops, "date", start, end, context.as_of, "session")


def episode_order(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    """Dates in order, status consistent with dates, outcomes only on engaged episodes."""
    table = ledger.episodes
    measures = [m.id for m in ledger.measures if m.id in table.columns]
    keys: list[Key] = [
        Less("start_date", "referral_date"),
        Less("end_date", "start_date"),
        "status",
        ("start_date", _is_set),
        ("end_date", _is_set),
        *((m, _is_set) for m in measures),
    ]
    for row in table.rows_where(keys, _out_of_order):
        yield from _order_problems(table, row, measures)


def _out_of_order(
    starts_early: bool,
    ends_early: bool,
    status: Status,
    engaged: bool,
    ended: bool,
    *outcomes: bool,
) -> bool:
    """Whether an episode with these facts breaks a rule of ``episode_order``."""
    return (
        starts_early
        or ends_early
        or (not ended and status in ENDED_STATUSES)
        or engaged != (status in ENGAGED_STATUSES)
        or (ended and status is Status.ENGAGED)
        or (not engaged and any(outcomes))
    )


def _order_problems(table: Table, row: int, measures: list[str]) -> Iterator[Problem]:
    """Each rule of ``episode_order`` row ``row`` breaks, worded with its values."""
    referred, started, ended, status = (
        table.column(name)[row] for name in ("referral_date", "start_date", "end_date", "status")
    )
    if started is not None and started < referred:
        yield table.problem(
            row,
            "start_date",
            Code.E303,
            f"start_date {started} is before referral_date {referred}",
            "an episode starts on or after its referral",
        )
    if ended is not None and started is not None and ended < started:
        yield table.problem(
            row,
            "end_date",
            Code.E303,
            f"end_date {ended} is before start_date {started}",
            "correct the dates: an episode ends on or after it starts",
        )
    if ended is None and status in ENDED_STATUSES:
        yield table.problem(
            row,
            "end_date",
            Code.E304,
            f"a {status.value} episode has no end_date",
            "add the date the episode ended",
        )
    engaged = started is not None
    if engaged != (status in ENGAGED_STATUSES):
        need = "has a start_date" if engaged else "has no start_date"
        yield table.problem(
            row,
            "status",
            Code.E307,
            f"status {status.value} but the episode {need}",
            "an episode with a start_date is engaged, completed or "
            "disengaged; a referred or declined one has no start_date",
        )
    if ended is not None and status is Status.ENGAGED:
        yield table.problem(
            row,
            "status",
            Code.E307,
            "status engaged but the episode has an end_date",
            "set the status to completed or disengaged, or clear end_date",
        )
    if not engaged:
        for measure in measures:
            if table.column(measure)[row] is not None:
                yield table.problem(
                    row,
                    measure,
                    Code.E305,
                    f"outcome {measure} recorded on an episode that never engaged",
                    "outcomes are assessed only for engaged "
                    "episodes: clear the value or add the start_date",
                )


def _is_set(value: object) -> bool:
    return value is not None


def eligible_ages(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    table = ledger.episodes
    low, high = ledger.settings.age_min, ledger.settings.age_max
    for row in table.rows_where(["age_at_referral"], lambda age: not low <= age <= high):
        yield table.problem(
            row,
            "age_at_referral",
            Code.E306,
            f"age at referral {table.column('age_at_referral')[row]} is outside the "
            f"eligible {low} to {high}",
            "check the age; the service is for children aged "
            f"{low} to {high} (age_min and age_max in config/settings.yaml)",
        )


def configured_vocabularies(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    """Workshop kinds and (when configured) referral sources come from settings."""
    settings = ledger.settings
    checks = [(ledger.workshops, "kind", settings.workshop_kinds, "workshop_kinds")]
    if settings.referral_sources:
        checks.append(
            (ledger.episodes, "referral_source", settings.referral_sources, "referral_sources")
        )
    for table, column, allowed, key in checks:
        known = set(allowed)
        for row in table.rows_where([column], lambda value, known=known: value not in known):
            yield table.problem(
                row,
                column,
                Code.E207,
                f"unknown {column} {table.column(column)[row]!r}",
                f"use one of {', '.join(allowed)}, or add it to {key} in config/settings.yaml",
            )


def equality_vocabularies(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    """The optional coded columns (sex, ethnicity, ...) hold a value of their vocabulary in
    ``equality`` of config/settings.yaml, or nothing (not recorded)."""
    table = ledger.episodes
    for column in CODED_COLUMNS:
        if column not in table.columns:
            continue
        allowed = getattr(ledger.settings.equality, column)
        known = set(allowed)
        for row in table.rows_where(
            [column], lambda value, known=known: value is not None and value not in known
        ):
            yield table.problem(
                row,
                column,
                Code.E207,
                f"unknown {column} {table.column(column)[row]!r}",
                f"use one of {', '.join(allowed)} (or leave it empty when not recorded), or "
                f"add it to equality.{column} in config/settings.yaml",
            )


def follow_up_dates(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    """Outcomes are assessed on or after the end of an episode that ended. A follow-up
    window for entering the criminal justice system ends after the episode ended, or, for
    a declined referral (the comparison group), after the referral."""
    table = ledger.episodes
    if "outcome_assessed_date" in table.columns:
        for row in table.rows_where(["end_date", "outcome_assessed_date"], _before_the_end):
            yield _follow_up_problem(table, row, "outcome_assessed_date", "end_date")
    if "cjs_follow_up_end" in table.columns:
        keys: list[Key] = ["status", "referral_date", "end_date", "cjs_follow_up_end"]
        for row in table.rows_where(keys, _follow_up_too_soon):
            declined = table.column("status")[row] is Status.DECLINED
            since = "referral_date" if declined else "end_date"
            yield _follow_up_problem(table, row, "cjs_follow_up_end", since)


def _follow_up_problem(table: Table, row: int, column: str, since: str) -> Problem:
    value, base = table.column(column)[row], table.column(since)[row]
    return table.problem(
        row,
        column,
        Code.E303,
        f"{column} {value} is before {since} {base}"
        if base
        else f"{column} {value} is set on an episode that has not ended",
        "correct the date, or clear it until the episode has ended (a declined referral's "
        "follow-up runs from its referral_date)",
    )


def _before_the_end(ended: date | None, day: date | None) -> bool:
    return day is not None and (ended is None or day < ended)


def _follow_up_too_soon(
    status: Status, referred: date, ended: date | None, day: date | None
) -> bool:
    if day is None:
        return False
    if status is Status.DECLINED:
        return day < referred
    return ended is None or day < ended


def one_engagement_per_child(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    """The service is for children who have not used it before: flag repeat engagements."""
    table = ledger.episodes
    engaged = ("start_date", _is_set)
    if table.count_distinct("cyp_ref", where=engaged) == table.counts([engaged]).get((True,), 0):
        return
    engaged_rows = [
        row for row, start in enumerate(table.column("start_date")) if start is not None
    ]
    refs = table.column("cyp_ref")
    engaged_refs = [refs[row] for row in engaged_rows]
    for index, first in repeated(engaged_refs):
        row = engaged_rows[index]
        yield table.problem(
            row,
            "cyp_ref",
            Code.W301,
            f"{refs[row]} already engaged in episode "
            f"{table.column('episode_id')[engaged_rows[first]]} "
            f"(line {table.lines[engaged_rows[first]]})",
            "eligibility excludes children who used the service before: check the referral",
        )


EPISODE_CHECKS = (
    duplicate_episode_ids,
    pseudonymous_refs,
    episode_areas,
    episode_dates,
    episode_order,
    eligible_ages,
    configured_vocabularies,
    equality_vocabularies,
    follow_up_dates,
    one_engagement_per_child,
)
