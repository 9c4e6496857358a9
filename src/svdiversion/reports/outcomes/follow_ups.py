"""Measures worked out from the referrals themselves rather than recorded per episode.

Re-referral (``derived: re_referral``): an episode that ended (completed or disengaged)
is assessed once its follow-up has run, ``follow_up_days`` after the day it ended, and
achieved the measure (the child was re-referred) when the same child was referred
again after that day and within the follow-up. It counts from the day the follow-up
closes, so a rate at any date is over episodes whose follow-up is complete: one still
in its follow-up is not yet assessed, whether or not the child has come back.

Only follow-ups that close by the contract's last day (``Ledger.end``, which an extension
moves on) are assessed: the measure is of the contract, and like every other figure it
stops changing when the contract's activity does (so a report after it is the last
release, and the releases to audit end there too). The evaluation extract's
``rereferred_within_365`` follows children further.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from ...core.ledger import Ledger
from .shapes import ENDED, state_of


@dataclass(frozen=True, slots=True)
class FollowUp:
    """One ended episode's follow-up: when it closes, where, and whether the child came
    back within it."""

    closes: date
    area: str
    measure: str
    again: bool
    count: int


def follow_ups(ledger: Ledger) -> list[FollowUp]:
    """Every ended episode's follow-up for each derived measure, in the order they close."""
    measures = [m for m in ledger.measures if m.derived]
    if not measures:
        return []
    rows = ledger.episodes.counts(
        ["cyp_ref", "area", "status", "referral_date", "start_date", "end_date"]
    )
    referred: dict[str, list[date]] = defaultdict(list)
    for (child, _, _, day, _, _), _count in rows.items():
        if day is not None:
            referred[child].append(day)
    found: list[FollowUp] = []
    for (child, area, status, referral, start, end), count in rows.items():
        if (
            end is None
            or state_of(status, referral is not None, start is not None, True) not in ENDED
        ):
            continue
        for measure in measures:
            closes = end + timedelta(days=measure.follow_up_days)
            if closes > ledger.end:
                continue  # closes after the contract: never assessed
            again = any(end < day <= closes for day in referred[child])
            found.append(FollowUp(closes, area, measure.id, again, count))
    found.sort(key=lambda f: (f.closes, f.area, f.measure))
    return found


def count_follow_ups(
    found: list[FollowUp],
    closed: Callable[[date], bool],
    assessed: dict[tuple[str, str], int],
    achieved: dict[tuple[str, str], int],
) -> None:
    """Add the follow-ups ``closed`` by the report's date to the tallies by (area, measure)."""
    for follow_up in found:
        if not closed(follow_up.closes):
            break
        key = (follow_up.area, follow_up.measure)
        assessed[key] += follow_up.count
        achieved[key] += follow_up.count * follow_up.again
