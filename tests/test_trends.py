"""Emerging trends: the SPC rules on inline series, then ``svdiversion trends`` on the
shipped ledger. Expected limits are worked out here from the CSV itself, by the formulas
docs/trends.md gives, not by the code under test."""

from __future__ import annotations

import csv
import json
from collections import Counter
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest

from helpers import run_cli
from svdiversion.reports.spc import (
    Assurance,
    Limits,
    Rules,
    Signal,
    Variation,
    assurance,
    c_limits,
    p_centre,
    p_limits,
    point_signals,
    variation,
    xmr_limits,
)
from svdiversion.reports.trends import hidden_count

AS_OF = "2025-03-31"
BASELINE = [f"2023-{m:02d}" for m in range(8, 13)] + [f"2024-{m:02d}" for m in range(1, 8)]


def D(*values: float | int | str) -> list[Decimal]:
    return [Decimal(str(v)) for v in values]


def flat(centre: int, spread: int) -> Limits:
    """Limits at centre +- spread, "near" at two thirds of the way."""
    c, s = Decimal(centre), Decimal(spread)
    return Limits(c, c + s, c - s, c + s * 2 / 3, c - s * 2 / 3)


def signals_of(values: list[Decimal], limits: Limits, rules: Rules = Rules()) -> list[set[str]]:
    return [{s.value for s in point} for point in point_signals(values, limits, rules)]


# ------------------------------------------------------------------------- the rules


def test_xmr_limits_are_the_mean_plus_or_minus_2_66_mean_moving_ranges() -> None:
    limits = xmr_limits(D(5, 7, 6, 5, 7))  # moving ranges 2, 1, 1, 2: mean 1.5
    assert limits is not None
    assert (limits.centre, limits.upper, limits.lower) == (
        Decimal(6),
        Decimal("9.99"),
        Decimal("2.01"),
    )


def test_xmr_leaves_an_unusual_moving_range_out_of_its_mean() -> None:
    # ranges 1, 1, 1, 1, 20: mean 4.8, and 20 > 3.267 x 4.8, so the mean is of the four 1s.
    limits = xmr_limits(D(10, 11, 10, 11, 10, 30))
    assert limits is not None
    assert limits.upper - limits.centre == Decimal("2.66")


def test_limits_never_go_below_zero_or_above_one() -> None:
    counts = xmr_limits(D(0, 5, 0, 5))
    rates = xmr_limits(D("0.1", "0.9", "0.1", "0.9"), Decimal(0), Decimal(1))
    assert counts is not None and counts.lower == 0
    assert rates is not None and (rates.lower, rates.upper) == (0, 1)


def test_c_chart_limits_are_the_mean_plus_or_minus_three_root_mean() -> None:
    limits = c_limits(D(3, 5, 4, 4))
    assert limits is not None
    assert (limits.centre, limits.upper, limits.lower) == (Decimal(4), Decimal(10), Decimal(0))


def test_c_chart_limits_widen_for_noise_the_counts_carry() -> None:
    limits = c_limits(D(3, 5, 4, 4), Decimal(5))  # 3 x the root of (4 + 5)
    assert limits is not None and limits.upper == Decimal(13)


def test_one_point_makes_no_limits() -> None:
    assert xmr_limits(D(4)) is None
    assert c_limits([]) is None


def test_a_point_beyond_a_limit() -> None:
    assert signals_of(D(10, 21, -1, 20), flat(10, 10)) == [
        set(),
        {"above_upper_limit"},
        {"below_lower_limit"},
        set(),
    ]


def test_a_run_of_seven_above_the_centre_flags_all_seven() -> None:
    assert signals_of(D(11, 12, 11, 12, 11, 12, 11), flat(10, 10)) == [{"run_above_centre"}] * 7
    assert signals_of(D(11, 12, 11, 12, 11, 12), flat(10, 10)) == [set()] * 6


def test_a_point_on_the_centre_line_ends_a_run() -> None:
    assert signals_of(D(9, 8, 9, 10, 8, 9, 8), flat(10, 10)) == [set()] * 7


def test_seven_rising_points_are_a_trend_and_a_tie_ends_one() -> None:
    rising = D(3, 5, 6, 8, 9, 11, 14)  # crosses the centre, so no run
    assert signals_of(rising, flat(10, 10)) == [{"trend_rising"}] * 7
    assert signals_of(D(3, 5, 6, 6, 9, 11, 14), flat(10, 10)) == [set()] * 7
    assert signals_of(D(17, 15, 12, 10, 7, 5, 4), flat(10, 10)) == [{"trend_falling"}] * 7


def test_two_of_three_near_a_limit_on_one_side() -> None:
    # near the upper limit means above 16.67 and not above 20
    assert signals_of(D(10, 18, 12, 19, 10), flat(10, 10)) == [
        set(),
        {"two_of_three_near_upper_limit"},
        set(),
        {"two_of_three_near_upper_limit"},
        set(),
    ]
    # the three must lie on one side of the centre line
    assert signals_of(D(18, 8, 19), flat(10, 10)) == [set()] * 3


def test_run_lengths_are_configurable() -> None:
    assert (
        signals_of(D(11, 12, 11), flat(10, 10), Rules(run_length=3)) == [{"run_above_centre"}] * 3
    )


def test_a_missing_value_carries_no_signal_and_ends_a_run() -> None:
    values: list[Decimal | None] = [*D(11, 12, 11), None, *D(12, 11, 12, 11)]
    found = point_signals(values, flat(10, 10), Rules())
    assert found == [()] * 8


def test_variation_and_assurance_icons() -> None:
    assert variation((), "higher") is Variation.COMMON
    assert variation((Signal.ABOVE_UPPER,), None) is Variation.NEITHER_HIGH
    assert variation((Signal.RUN_BELOW,), "higher") is Variation.CONCERN_LOW
    assert variation((Signal.TREND_DOWN,), "lower") is Variation.IMPROVEMENT_LOW
    limits = flat(50, 20)  # 30 to 70
    assert assurance(limits, Decimal(25), "higher") is Assurance.PASS
    assert assurance(limits, Decimal(75), "higher") is Assurance.FAIL
    assert assurance(limits, Decimal(60), "higher") is Assurance.HIT_AND_MISS
    assert assurance(limits, Decimal(25), "lower") is Assurance.FAIL
    assert assurance(limits, None, "higher") is None


# ------------------------------------------------------------- the shipped ledger


def monthly_referrals(root: Path, area: str | None = None) -> Counter[str]:
    with (root / "ledger/outcomes.csv").open(encoding="utf-8", newline="") as handle:
        return Counter(
            row["referral_date"][:7]
            for row in csv.DictReader(handle)
            if area is None or row["area"] == area
        )


def trends_json(root: Path, *args: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run_cli("-C", str(root), "trends", "--as-of", AS_OF, "--format", "json", *args)
    assert (code, err) == (0, ""), err
    document: dict = json.loads(out)  # type: ignore[type-arg]
    return document


def series(document: dict, ident: str) -> dict:  # type: ignore[type-arg]
    found: dict = next(s for s in document["series"] if s["id"] == ident)  # type: ignore[type-arg]
    return found


def test_total_referrals_are_an_xmr_chart_with_limits_from_the_first_twelve_months(
    shipped: Path,
) -> None:
    document = trends_json(shipped, "--disclosure", "internal")
    counts = monthly_referrals(shipped)
    base = [Decimal(counts[m]) for m in BASELINE]
    centre = sum(base) / 12
    ranges = [abs(b - a) for a, b in pairwise(base)]
    spread = Decimal("2.66") * sum(ranges) / len(ranges)  # no range is unusually large here

    total = series(document, "referrals")
    assert document["baseline"] == {"from": "2023-08", "to": "2024-07"}
    assert (total["chart"], total["area"], total["measure"]) == ("xmr", None, "referrals")
    assert total["centre"] == f"{centre:.2f}" == "22.50"
    assert total["upper"] == f"{centre + spread:.2f}" == "36.53"
    assert total["lower"] == f"{centre - spread:.2f}" == "8.47"
    months = [p["month"] for p in total["points"]]
    assert months[0] == "2023-08" and months[-1] == "2025-03" and len(months) == 20
    assert [p["value"] for p in total["points"]] == [counts[m] for m in months]


def test_the_signals_of_the_shipped_ledger(shipped: Path) -> None:
    document = trends_json(shipped, "--disclosure", "internal")
    telford = series(document, "referrals/area/telford_wrekin")
    assert telford["chart"] == "c"  # 5.58 a month in the baseline: a small count
    assert (telford["centre"], telford["upper"], telford["lower"]) == ("5.58", "12.67", "0.00")
    assert [
        d["description"]
        for d in document["signals"]
        if d["series"] in {"referrals", "referrals/area/telford_wrekin"}
    ] == [
        "All referrals: 2024-07 to 2025-01 a run of 7 or more above the centre line",
        "All referrals: 2024-08 to 2024-09 two of three near the upper limit",
        "All referrals: 2024-11 two of three near the upper limit",
        "All referrals: 2025-02 to 2025-03 below the lower limit",
        "Telford & Wrekin referrals: 2024-08 above the upper limit",
    ]
    assert series(document, "referrals")["variation"] == "neither_low"


def test_quarterly_outcome_rates_agree_with_the_csv(shipped: Path) -> None:
    document = trends_json(shipped, "--disclosure", "internal")
    achieved: Counter[str] = Counter()
    assessed: Counter[str] = Counter()
    with (shipped / "ledger/outcomes.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["end_date"] and row["risk_reduction"]:
                year, month = int(row["end_date"][:4]), int(row["end_date"][5:7])
                fy = year if month >= 4 else year - 1
                label = f"{fy}/{(fy + 1) % 100:02d} Q{(month - 4) % 12 // 3 + 1}"
                assessed[label] += 1
                achieved[label] += row["risk_reduction"] == "Y"
    rate = series(document, "outcome/risk_reduction")
    assert (rate["unit"], rate["period"], rate["better"], rate["target"]) == (
        "rate",
        "quarter",
        "higher",
        "0.70",
    )
    assert [p["label"] for p in rate["points"]][:2] == ["2023/24 Q2", "2023/24 Q3"]
    for point in rate["points"]:
        expected = Decimal(achieved[point["label"]]) / assessed[point["label"]]
        assert point["value"] == str(expected.quantize(Decimal("0.0001")))
    assert rate["assurance"] == "hit_and_miss"


def test_25_extra_referrals_in_one_area_and_month_are_flagged(shipped: Path) -> None:
    header = (shipped / "ledger/outcomes.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    empty = "," * (header.count(",") - 7)  # start_date onwards: not started, nothing recorded
    extra = [
        f"EP-9{n:04d},CYP-9{n:04d},herefordshire,2024-11-{n % 28 + 1:02d},police,14,one_to_one,"
        f"referred{empty}"
        for n in range(25)
    ]
    with (shipped / "ledger/outcomes.csv").open("a", encoding="utf-8") as handle:
        handle.write("\n".join(extra) + "\n")

    document = trends_json(shipped)  # JSON is published by default

    assert document["disclosure"]["mode"] == "published"
    hereford = series(document, "referrals/area/herefordshire")
    november = next(p for p in hereford["points"] if p["month"] == "2024-11")
    assert (november["value"], november["signals"]) == (30, ["above_upper_limit"])
    assert "Herefordshire referrals: 2024-11 above the upper limit" in [
        d["description"] for d in document["signals"]
    ]
    total = next(p for p in series(document, "referrals")["points"] if p["month"] == "2024-11")
    assert "above_upper_limit" in total["signals"]


def published_values(document: dict) -> list[object]:  # type: ignore[type-arg]
    return [p["value"] for s in document["series"] for p in s["points"]]


@pytest.mark.slow  # the published trends of every month end
def test_published_trends_show_no_count_from_1_to_4(shipped: Path) -> None:
    document = trends_json(shipped)
    counts = [
        v
        for s in document["series"]
        if s["unit"] == "count"
        for v in (p["value"] for p in s["points"])
    ]
    assert {v for v in counts if isinstance(v, str)} == {"[c]"}
    numbers = [v for v in counts if isinstance(v, int)]
    assert numbers and all(n == 0 or (n >= 5 and n % 5 == 0) for n in numbers)
    # the CSV says the same
    code, out, _ = run_cli("-C", str(shipped), "trends", "--as-of", AS_OF, "--format", "csv")
    rows = list(csv.DictReader(out.splitlines()))
    values = {r["value"] for r in rows if r["unit"] == "count"}
    assert code == 0 and not values & {"1", "2", "3", "4"}


def test_published_rates_are_worked_on_published_counts_and_hidden_below_20(shipped: Path) -> None:
    document = trends_json(shipped)
    rates = published_values({"series": [s for s in document["series"] if s["unit"] == "rate"]})
    assert rates.count("[c]") > 0
    for value in rates:
        if isinstance(value, str) and value != "[c]":
            # a ratio of two multiples of 5, the denominator at least 20
            fraction = Decimal(value)
            assert any(
                (Decimal(a) / Decimal(b)).quantize(Decimal("0.0001")) == fraction
                for b in range(20, 400, 5)
                for a in range(0, b + 1, 5)
            ), value


def test_a_hidden_count_carries_no_signal(shipped: Path) -> None:
    document = trends_json(shipped)
    hidden = [p for s in document["series"] for p in s["points"] if p["value"] == "[c]"]
    assert hidden and all(p["signals"] == [] for p in hidden)


def test_a_hidden_count_stands_for_what_it_averages_at_the_series_mean() -> None:
    # Baseline [c], 10, 0, 5: with the hidden count at h the mean is (15 + h) / 4, and h
    # is the mean of 1..4 weighted as Poisson at that mean; h = 2.95 settles it.
    mean = (15 + Decimal("2.95")) / 4
    weights = {k: mean**k / [1, 1, 2, 6, 24][k] for k in range(1, 5)}
    expected = sum(k * w for k, w in weights.items()) / sum(weights.values())
    assert (
        hidden_count(["[c]", 10, 0, 5], 5) == expected.quantize(Decimal("0.01")) == Decimal("2.95")
    )
    assert hidden_count([5, 10], 5) == Decimal("2.5")  # nothing hidden: not used


@pytest.mark.slow  # the published trends twice
def test_published_series_say_where_a_hidden_count_enters_the_lines(shipped: Path) -> None:
    hereford = series(trends_json(shipped), "referrals/area/herefordshire")
    # Its published baseline (differences of the cumulative releases) is four [c], a 10
    # and seven 5s: centre (45 + 4 x 3.01) / 12 = 4.75, and a count of 1 to 4 averages
    # 3.01 at a Poisson mean of 4.75.
    assert (hereford["hidden_as"], hereford["centre"]) == ("3.01", "4.75")
    # All referrals: only February and March 2025 are hidden (the published cumulative
    # total did not move: 0 to 4 referrals as the contract closed), with no signal.
    total = series(trends_json(shipped), "referrals")
    hidden = [p for p in total["points"] if p["value"] == "[c]"]
    assert [p["month"] for p in hidden] == ["2025-02", "2025-03"]
    assert all(p["signals"] == [] for p in hidden)


def test_the_json_has_the_documented_shape(shipped: Path) -> None:
    document = trends_json(shipped)
    assert {"as_of", "baseline", "series"} <= set(document)
    assert document["as_of"] == AS_OF
    for entry in document["series"]:
        assert {"id", "area", "measure", "chart", "centre", "upper", "lower", "points"} <= set(
            entry
        )
        for point in entry["points"]:
            assert {"month", "value", "signals"} <= set(point)
    ids = [s["id"] for s in document["series"]]
    assert ids[:6] == [
        "referrals",
        "referrals/area/herefordshire",
        "referrals/area/north_worcestershire",
        "referrals/area/south_worcestershire",
        "referrals/area/shropshire",
        "referrals/area/telford_wrekin",
    ]
    assert len(ids) == 6 + 8 + 5  # areas, referral sources, outcome measures


def test_a_baseline_can_be_chosen(shipped: Path) -> None:
    document = trends_json(
        shipped,
        "--disclosure",
        "internal",
        "--baseline-from",
        "2024-01",
        "--baseline-to",
        "2024-12",
    )
    counts = monthly_referrals(shipped)
    months = [f"2024-{m:02d}" for m in range(1, 13)]
    assert document["baseline"] == {"from": "2024-01", "to": "2024-12"}
    assert (
        series(document, "referrals")["centre"]
        == f"{Decimal(sum(counts[m] for m in months)) / 12:.2f}"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--baseline-from", "2022-01"],
            "the baseline month 2022-01 is outside the data: "
            "complete months with referrals run from 2023-08 to 2025-03",
        ),
        (["--baseline-to", "2025-06"], "the baseline month 2025-06 is outside the data"),
        (["--baseline-from", "2024-05", "--baseline-to", "2024-05"], "holds fewer than two months"),
        (["--baseline-from", "2024-05", "--baseline-to", "2024-02"], "holds fewer than two months"),
        (["--baseline-from", "2024-13"], "is not a month"),
    ],
)
def test_a_baseline_outside_the_data_is_a_usage_error(
    shipped: Path, args: list[str], message: str
) -> None:
    target = shipped.parent / "trends.json"
    code, out, err = run_cli(
        "-C",
        str(shipped),
        "trends",
        "--as-of",
        AS_OF,
        *args,
        "--format",
        "json",
        "--out",
        str(target),
    )
    assert (code, out) == (2, "")
    assert message in err
    assert not target.exists()


def test_a_ledger_with_errors_gives_no_trends(shipped: Path) -> None:
    path = shipped / "ledger/outcomes.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",police,", ",polise,", 1), encoding="utf-8"
    )
    target = shipped.parent / "trends.json"
    code, out, err = run_cli("-C", str(shipped), "trends", "--format", "json", "--out", str(target))
    assert (code, out) == (1, "")
    assert "E207" in err and "no report made" in err
    assert not target.exists()


def test_the_terminal_shows_charts_signals_and_what_the_icons_mean(shipped: Path) -> None:
    code, out, _ = run_cli(
        "-C", str(shipped), "trends", "--as-of", AS_OF, env={"SVDIVERSION_WIDTH": "120"}
    )
    assert code == 0
    assert "INTERNAL - NOT FOR PUBLICATION" in out
    assert "Telford & Wrekin referrals: c-chart (counts of events)" in out
    assert "All referrals: XmR chart (individuals and moving range)" in out
    assert "upper 12.7" in out and "centre 5.6" in out
    row = next(line for line in out.splitlines() if line.startswith("Telford & Wrekin referrals "))
    assert row.split("│")[1:] == [
        " 2024-08            ",
        " 14    ",
        " above the upper limit                   ",
    ]
    words = " ".join(out.split())
    assert "common cause is the usual variation of a stable process" in words
    assert "hit and miss when the target lies between the limits" in words


@pytest.mark.slow  # published trends, written and refused
def test_out_writes_a_file_and_never_into_the_ledger(shipped: Path) -> None:
    target = shipped.parent / "trends.md"
    code, out, err = run_cli(
        "-C", str(shipped), "trends", "--as-of", AS_OF, "--format", "markdown", "--out", str(target)
    )
    assert (code, out, err) == (0, "", f"wrote {target}\n")
    text = target.read_text(encoding="utf-8")
    assert text.startswith(f"# Trends as of {AS_OF}\n\n> Published figures")
    # 35 (34 exact) is above the published chart's upper limit, but not the exact
    # chart's: a signal of rounding, not shown; the run above the centre line is real
    assert "| All referrals | 2024-08 | 35 | above the upper limit |" not in text
    assert (
        "| All referrals | 2024-07 to 2025-01 |  | a run of 7 or more above the centre line |"
        in text
    )
    inside = shipped / "ledger/trends.md"
    code, _, err = run_cli("-C", str(shipped), "trends", "--format", "json", "--out", str(inside))
    assert code == 2 and "refusing to write" in err and not inside.exists()


def test_the_monthly_pack_lists_the_current_signals(shipped: Path) -> None:
    code, out, _ = run_cli(
        "-C", str(shipped), "report", "--as-of", "2024-09-30", "--format", "json"
    )
    assert code == 0
    emerging = json.loads(out)["emerging_trends"]
    assert (emerging["disclosure"], emerging["baseline"], emerging["recent_from"]) == (
        "published",
        {"from": "2023-08", "to": "2024-07"},
        "2024-07",
    )
    # Published: drawn from the published counts of each month, with only the signals
    # the exact series has at the same point. At 2024-09-30 the rounded points bear out
    # none of the three exact signals, and their own (35 above its upper limit, say) are
    # signals of rounding: none is shown.
    assert emerging["signals"] == []
    code, out, _ = run_cli(
        "-C", str(shipped), "report", "--as-of", "2024-09-30", "--format", "json",
        "--disclosure", "internal",
    )  # fmt: skip
    assert [s["description"] for s in json.loads(out)["emerging_trends"]["signals"]] == [
        "All referrals: 2024-08 to 2024-09 two of three near the upper limit",
        "Telford & Wrekin referrals: 2024-08 above the upper limit",
        "Referrals from school: 2024-08 above the upper limit",
    ]
    code, out, _ = run_cli(
        "-C", str(shipped), "report", "--as-of", "2024-09-30", env={"SVDIVERSION_WIDTH": "160"}
    )
    assert "Emerging trends: signals since 2024-07" in out


# ------------------------------------------------------------ p-charts, short baselines


def test_p_chart_limits_follow_each_points_denominator() -> None:
    centre = p_centre([10, 30], [20, 60])  # pooled: 40 of 80, not the mean of two rates
    assert centre == Decimal("0.5")
    narrow, wide = p_limits(centre, 100), p_limits(centre, 4)
    assert (narrow.lower, narrow.upper) == (Decimal("0.35"), Decimal("0.65"))  # 3 x 0.05
    assert (wide.lower, wide.upper) == (0, 1)  # 3 x 0.25 either way, clipped to 0% and 100%
    assert p_centre([3], [4]) is None


def test_each_point_is_judged_against_its_own_limits() -> None:
    values = D("0.7", "0.7")
    limits = [p_limits(Decimal("0.5"), 100), p_limits(Decimal("0.5"), 4)]
    assert signals_of(values, limits) == [{"above_upper_limit"}, set()]  # type: ignore[arg-type]


def test_a_point_on_a_clipped_limit_is_not_beyond_it() -> None:
    limits = c_limits(D(1, 2, 1, 2))  # 1.5 - 3 x 1.22 clips to 0
    assert limits is not None and limits.lower == 0
    assert signals_of(D(0), limits) == [set()]


def test_outcome_rates_are_p_charts_worked_from_the_csv(shipped: Path) -> None:
    document = trends_json(shipped, "--disclosure", "internal")
    achieved: Counter[str] = Counter()
    assessed: Counter[str] = Counter()
    with (shipped / "ledger/outcomes.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["end_date"] and row["risk_reduction"]:
                year, month = int(row["end_date"][:4]), int(row["end_date"][5:7])
                fy = year if month >= 4 else year - 1
                label = f"{fy}/{(fy + 1) % 100:02d} Q{(month - 4) % 12 // 3 + 1}"
                assessed[label] += 1
                achieved[label] += row["risk_reduction"] == "Y"
    baseline = ["2023/24 Q2", "2023/24 Q3", "2023/24 Q4", "2024/25 Q1"]
    p = Decimal(sum(achieved[q] for q in baseline)) / sum(assessed[q] for q in baseline)
    rate = series(document, "outcome/risk_reduction")

    assert (rate["chart"], rate["baseline_points"]) == ("p", 4)
    assert rate["centre"] == str(p.quantize(Decimal("0.0001")))
    for point in rate["points"]:
        n = assessed[point["label"]]
        spread = 3 * (p * (1 - p) / n).sqrt()
        assert point["upper"] == str(min(p + spread, Decimal(1)).quantize(Decimal("0.0001")))
        assert point["lower"] == str(max(p - spread, Decimal(0)).quantize(Decimal("0.0001")))


def test_fewer_than_12_baseline_points_show_limits_but_judge_nothing(shipped: Path) -> None:
    document = trends_json(shipped, "--disclosure", "internal")
    for entry in document["series"]:
        if entry["unit"] == "rate":  # four quarters in a twelve-month baseline
            assert entry["warning"] == (
                "only 4 baseline points, fewer than 12: limits shown, no point judged"
            )
            assert entry["variation"] is None and entry["centre"] is not None
            assert all(p["signals"] == [] for p in entry["points"])
    assert series(document, "referrals")["warning"] is None
    assert not any(d["series"].startswith("outcome/") for d in document["signals"])

    short = trends_json(
        shipped,
        "--disclosure",
        "internal",
        "--baseline-from",
        "2024-01",
        "--baseline-to",
        "2024-06",
    )
    total = series(short, "referrals")
    assert total["baseline_points"] == 6 and total["warning"].startswith("only 6 baseline")
    assert short["signals"] == []


@pytest.mark.slow  # every format of the published trends
def test_every_output_names_the_rules_it_applies(shipped: Path) -> None:
    document = trends_json(shipped)
    assert document["rules"] == (
        "Making Data Count (NHS England), as NHSRplotthedots applies it: a point beyond a "
        "limit, a shift of 7 on one side of the centre, a trend of 7, two of three near a limit"
    )
    code, out, _ = run_cli("-C", str(shipped), "trends", "--as-of", AS_OF, "-f", "markdown")
    assert code == 0 and "_Rules: Making Data Count (NHS England)" in out
    assert "a point on a clipped limit is not beyond it" in out


def test_the_terminal_chart_labels_its_months_and_values(shipped: Path) -> None:
    code, out, _ = run_cli(
        "-C", str(shipped), "trends", "--as-of", AS_OF, env={"SVDIVERSION_WIDTH": "120"}
    )
    assert code == 0
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if "Telford & Wrekin referrals: c-chart" in line)
    panel = [line.strip("│ ") for line in lines[start : start + 15]]
    counts = monthly_referrals(shipped, "telford_wrekin")
    months = [f"2023-{m:02d}" for m in range(8, 13)] + [
        f"{y}-{m:02d}" for y in (2024,) for m in range(1, 13)
    ] + [f"2025-{m:02d}" for m in range(1, 4)]  # fmt: skip
    assert f"{' '.join(str(counts[m]) for m in months)}" in " ".join(panel[11].split())
    assert panel[13].split() == ["Aug", "23", "Jan", "24", "Apr", "24", "Jul", "24", "Oct",
                                 "24", "Jan", "25"]  # fmt: skip
