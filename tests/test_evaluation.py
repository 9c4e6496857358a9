"""The evaluator's extract, end to end on a copy of the shipped ledger, attacked as a
careful evaluator (or a careless one) would: references, pseudonyms, k-anonymity, the
data package, the record of the share, and every way it must refuse to write."""

from __future__ import annotations

import csv
import hashlib
import hmac
import os
import re
import stat
from collections import Counter
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from frictionless import Package, validate
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import load_ledger, make_workspace, run_cli
from svdiversion.cli import evaluation as evaluation_cli
from svdiversion.core.fiscal import Month
from svdiversion.evaluation.anonymity import (
    Level,
    Quasi,
    age_label,
    anonymise,
    information_lost,
    levels,
    period_label,
)
from svdiversion.load.shares import read_shares

AT = datetime(2025, 4, 2, 10, 15, tzinfo=timezone(timedelta(hours=1)))
AS_OF = "2025-03-31"
KEY = b"an evaluation key of forty-three bytes long"
OTHER_KEY = b"another key, held by somebody else entirely"
FILES = ["episodes.csv", "spend.csv", "workshops.csv", "datapackage.json", "README.md"]
SHARE = ("--recipient", "University evaluation team", "--purpose", "Interim evaluation report")


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evaluation_cli, "now", lambda: AT)


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "evaluation.key"
    path.parent.mkdir()
    path.write_bytes(KEY + b"\n")
    path.chmod(0o600)
    return path


def export(
    root: Path, out: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    return run_cli(
        "-C", str(root), "export", "evaluation", "--out", str(out), "--as-of", AS_OF,
        "--by", "A. Analyst", *SHARE, *args, env=env,
    )  # fmt: skip


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def ledger_references(root: Path) -> set[str]:
    return {
        value
        for row in rows(root / "ledger/outcomes.csv")
        for value in (row["cyp_ref"], row["episode_id"])
    }


def nothing_written(root: Path, out: Path) -> bool:
    return not out.exists() and not (root / "ledger/shares.yaml").exists()


# --------------------------------------------------------------------- the extract


def test_the_extract_of_the_shipped_ledger(shipped: Path, key_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "extract"
    code, stdout, stderr = export(shipped, out, "--key-file", str(key_file))

    assert (code, stdout) == (0, "")
    assert stderr == (
        f"wrote {', '.join(FILES)} in {out}: 440 episodes (20 of 460 withheld for "
        "k-anonymity and l-diversity, k = 5, smallest class 5; periods by financial quarter; "
        "age withheld; referral source withheld); recorded in ledger/shares.yaml\n"
    )
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    episodes = rows(out / "episodes.csv")
    assert len(episodes) == 440  # at most 5% of 460 withheld
    assert list(episodes[0]) == [
        "person_key", "episode_key", "area", "age_band", "referral_period", "referral_source",
        "pathway", "status", "start_period", "end_period", "days_referral_to_start",
        "days_start_to_end", "days_since_previous_referral", "rereferred_within_365",
        "risk_reduction", "increased_awareness", "positive_activity", "progress_key_areas",
        "entered_cjs",
    ]  # fmt: skip
    # A referral time field that varies: the seven financial quarters of the contract.
    assert {e["referral_period"] for e in episodes} == {
        "2023/24 Q2", "2023/24 Q3", "2023/24 Q4",
        "2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4",
    }  # fmt: skip
    assert {e["age_band"] for e in episodes} == {"10-17"}
    assert [e["episode_key"] for e in episodes] == sorted(e["episode_key"] for e in episodes)


def test_the_extract_is_readable_by_its_owner_alone_whatever_the_umask(
    shipped: Path, key_file: Path, tmp_path: Path
) -> None:
    """OFFICIAL-SENSITIVE: the folder 0700 and every file 0600, even under umask 022."""
    out = tmp_path / "extract"
    previous = os.umask(0o022)
    try:
        code, _, err = export(shipped, out, "--key-file", str(key_file))
    finally:
        os.umask(previous)
    assert code == 0, err
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()}
    assert set(modes) == set(FILES)
    assert set(modes.values()) == {0o600}


def test_the_package_validates_with_frictionless_and_reads_back(
    shipped: Path, key_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "extract"
    assert export(shipped, out, "--key-file", str(key_file))[0] == 0

    report = validate(out / "datapackage.json")

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert [(t.name, t.stats["rows"]) for t in report.tasks] == [
        ("episodes", 440),
        ("spend", 108),
        ("workshops", 61),
    ]
    package = Package(out / "datapackage.json")
    episodes = package.get_resource("episodes").read_rows()
    assert Counter(r["status"] for r in episodes) == Counter(
        e["status"] for e in rows(out / "episodes.csv")
    )
    assert {r["risk_reduction"] for r in episodes} == {True, False, None}
    spend = package.get_resource("spend").read_rows()
    total = sum((r["amount"] for r in spend), Decimal(0))
    ledger = sum(Decimal(r["amount"]) for r in rows(shipped / "ledger/transactions.csv"))
    assert total == ledger
    fields = package.get_resource("episodes").schema.get_field("area")
    assert fields.constraints["enum"] == [
        "herefordshire", "north_worcestershire", "south_worcestershire", "shropshire",
        "telford_wrekin", "shropshire_telford", "herefordshire_worcestershire",
    ]  # fmt: skip


def test_a_tampered_file_fails_validation(shipped: Path, key_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "extract"
    assert export(shipped, out, "--key-file", str(key_file))[0] == 0
    with (out / "spend.csv").open("a", encoding="utf-8") as handle:
        handle.write("2025-03,2024/25 P12,provider_grant,,1.00\n")
    assert not validate(out / "datapackage.json").valid


def test_no_ledger_reference_or_key_appears_anywhere(
    shipped: Path, key_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "extract"
    assert export(shipped, out, "--key-file", str(key_file))[0] == 0
    references = ledger_references(shipped)
    assert len(references) == 900  # 460 episodes of 440 children
    for name in FILES:
        text = (out / name).read_text(encoding="utf-8")
        assert not re.search(r"CYP-\d|EP-\d", text), name
        assert not [r for r in references if r in text], name
        assert KEY.decode() not in text
    record = (shipped / "ledger/shares.yaml").read_text(encoding="utf-8")
    assert KEY.decode() not in record


def test_pseudonyms_are_the_documented_hmac_and_follow_the_key(
    shipped: Path, key_file: Path, tmp_path: Path
) -> None:
    first, again, other = tmp_path / "first", tmp_path / "again", tmp_path / "other"
    other_key = tmp_path / "keys" / "other.key"
    other_key.write_bytes(OTHER_KEY)
    other_key.chmod(0o600)
    assert export(shipped, first, "--key-file", str(key_file))[0] == 0
    assert export(shipped, again, "--key-file", str(key_file))[0] == 0
    assert export(shipped, other, "--key-file", str(other_key))[0] == 0

    # The same key gives the same pseudonyms: the same file, byte for byte.
    assert (first / "episodes.csv").read_bytes() == (again / "episodes.csv").read_bytes()
    # Another key gives none of them.
    keys = {e["person_key"] for e in rows(first / "episodes.csv")}
    keys |= {e["episode_key"] for e in rows(first / "episodes.csv")}
    others = {e["person_key"] for e in rows(other / "episodes.csv")}
    others |= {e["episode_key"] for e in rows(other / "episodes.csv")}
    assert keys.isdisjoint(others)
    # Each is HMAC-SHA256 of the reference under the key, as docs/evaluation.md says.
    ledger = rows(shipped / "ledger/outcomes.csv")

    def mac(kind: bytes, text: str) -> str:
        return hmac.new(KEY, kind + b"\x00" + text.encode(), hashlib.sha256).hexdigest()

    by_episode = {mac(b"episode_id", r["episode_id"]): r for r in ledger}
    for episode in rows(first / "episodes.csv"):
        source = by_episode[episode["episode_key"]]
        assert episode["person_key"] == mac(b"cyp_ref", source["cyp_ref"])
        assert (episode["area"], episode["pathway"]) == (source["area"], source["pathway"])


def test_the_key_may_come_from_the_environment(
    shipped: Path, key_file: Path, tmp_path: Path
) -> None:
    from_file, from_env = tmp_path / "file", tmp_path / "env"
    assert export(shipped, from_file, "--key-file", str(key_file))[0] == 0
    code, _, _ = export(shipped, from_env, env={"SVDIVERSION_EVALUATION_KEY": KEY.decode()})
    assert code == 0
    assert (from_file / "episodes.csv").read_bytes() == (from_env / "episodes.csv").read_bytes()


QUASI = ("area", "age_band", "referral_period", "referral_source")


def test_k_anonymity_holds_on_the_default_quasi_identifiers(
    shipped: Path, key_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "extract"
    assert export(shipped, out, "--key-file", str(key_file))[0] == 0
    classes = Counter(tuple(e[q] for q in QUASI) for e in rows(out / "episodes.csv"))
    assert min(classes.values()) == 5
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert (
        "| 2.50 | periods by financial quarter; age withheld; referral source withheld | 10 | "
        "10 | used |" in readme
    )
    assert "Withheld: **20** episodes referred by 2025-03-31 (rounded to the nearest 5)" in readme


def test_no_class_tells_a_status_or_entry_to_the_cjs_of_all_its_members(
    shipped: Path, key_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "extract"
    assert export(shipped, out, "--key-file", str(key_file))[0] == 0
    statuses: dict[tuple[str, ...], set[str]] = {}
    entered: dict[tuple[str, ...], list[bool]] = {}
    for e in rows(out / "episodes.csv"):
        key = tuple(e[q] for q in QUASI)
        statuses.setdefault(key, set()).add(e["status"])
        entered.setdefault(key, []).append(e["entered_cjs"] == "true")
    assert min(len(s) for s in statuses.values()) >= 2
    assert not any(all(flags) for flags in entered.values())


def test_time_is_worked_out_before_it_is_generalised(
    shipped: Path, key_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "extract"
    assert export(shipped, out, "--key-file", str(key_file))[0] == 0
    ledger = [r for r in rows(shipped / "ledger/outcomes.csv") if r["referral_date"] <= AS_OF]
    dates: dict[str, list[datetime]] = {}
    for r in ledger:
        dates.setdefault(r["cyp_ref"], []).append(datetime.fromisoformat(r["referral_date"]))

    def mac(kind: bytes, text: str) -> str:
        return hmac.new(KEY, kind + b"\x00" + text.encode(), hashlib.sha256).hexdigest()

    by_key = {mac(b"episode_id", r["episode_id"]): r for r in ledger}
    shown = rows(out / "episodes.csv")
    for e in shown:
        source = by_key[e["episode_key"]]
        day = datetime.fromisoformat(source["referral_date"])
        before = [d for d in dates[source["cyp_ref"]] if d < day]
        after = [d for d in dates[source["cyp_ref"]] if d > day]
        expected = str((day - max(before)).days) if before else ""
        assert e["days_since_previous_referral"] == expected
        if after and (min(after) - day).days <= 365:
            assert e["rereferred_within_365"] == "true"
        elif (datetime.fromisoformat(AS_OF) - day).days >= 365:
            assert e["rereferred_within_365"] == "false"
        else:
            assert e["rereferred_within_365"] == ""
    assert sum(e["rereferred_within_365"] == "true" for e in shown) == 19
    assert sum(e["days_since_previous_referral"] != "" for e in shown) == 20


def test_the_readme_gives_control_totals_under_the_published_rules(
    shipped: Path, key_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "extract"
    assert export(shipped, out, "--key-file", str(key_file))[0] == 0
    readme = (out / "README.md").read_text(encoding="utf-8")
    # No exact total a published table hides: neither the referrals nor the withheld.
    assert "460" not in readme and " of 460" not in readme
    assert "\n| **Total** | **20** |\n" in readme
    sections = ["| Status | Withheld |", "| Area | Withheld |"]
    sections += ["| Referral source | Withheld |", "| Age band | Withheld |"]
    for heading in sections:
        table = readme.split(heading, 1)[1].split("\n\n", 1)[0]
        cells = [line.rsplit("|", 2)[1].strip() for line in table.splitlines()[2:]]
        assert cells[-1] == "**20**"
        for cell in cells[:-1]:
            assert cell == "[c]" or int(cell) % 5 == 0, (heading, cell)
    assert "| police | 10 |" in readme and "| 12-14 | 10 |" in readme


def test_too_many_withheld_is_refused_unless_allowed(
    shipped: Path, key_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "extract"
    code, stdout, err = export(shipped, out, "--key-file", str(key_file), "--k", "100")
    assert (code, stdout) == (1, "")
    assert "svdiversion: error: the extract would withhold " in err
    assert (
        "the extract would withhold 339 of 460 episodes (73.7%), more than "
        "evaluation.max_withheld (5%), even at the level withholding fewest (periods withheld; "
        "age withheld; referral source withheld); nothing was written"
    ) in err
    assert "hint: use fewer quasi-identifiers (--quasi-identifiers), a smaller --k" in err
    assert nothing_written(shipped, out)

    code, _, err = export(
        shipped, out, "--key-file", str(key_file), "--k", "100", "--allow-withheld"
    )
    assert code == 0
    assert "withheld for k-anonymity and l-diversity, k = 100" in err


def with_attributes(root: Path) -> None:
    settings = root / "config/settings.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8")
        + "evaluation:\n  attributes: [sessions_attended, outcome_assessed_date]\n",
        encoding="utf-8",
    )


def test_equality_fields_are_offered_as_quasi_identifiers_or_attributes(
    shipped: Path, key_file: Path, tmp_path: Path
) -> None:
    with_attributes(shipped)  # the shipped ledger has the optional columns (illustrative)
    out = tmp_path / "extract"
    code, _, err = export(
        shipped, out, "--key-file", str(key_file), "--quasi-identifiers", "area,referral_period,sex"
    )
    assert code == 0, err
    episodes = rows(out / "episodes.csv")
    assert list(episodes[0])[12:17] == [
        "days_since_previous_referral", "rereferred_within_365", "sex", "sessions_attended",
        "days_end_to_outcome_assessed",
    ]  # fmt: skip
    assert {e["sex"] for e in episodes} == {"female", "male"}  # not_known: too rare, withheld
    assert {e["days_end_to_outcome_assessed"] for e in episodes} == {"", *map(str, range(15))}
    classes = Counter((e["area"], e["referral_period"], e["sex"]) for e in episodes)
    assert min(classes.values()) >= 5
    report = validate(out / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    fields = {
        f.name: f.type
        for f in Package(out / "datapackage.json").get_resource("episodes").schema.fields
    }  # type: ignore[attr-defined]
    assert (fields["sex"], fields["sessions_attended"]) == ("string", "integer")


def test_fewer_quasi_identifiers_keep_more_detail(
    shipped: Path, key_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "extract"
    code, _, err = export(
        shipped, out, "--key-file", str(key_file), "--quasi-identifiers", "area,referral_period"
    )
    assert code == 0
    assert "periods by financial quarter; age in years); recorded" in err
    episodes = rows(out / "episodes.csv")
    assert len({e["referral_period"] for e in episodes}) == 7
    assert {e["age_at_referral"] for e in episodes} == {str(a) for a in range(10, 18)}
    # start and end periods are generalised like the referral period
    assert {e["start_period"][:4] for e in episodes} <= {"", "2023", "2024", "2025"}
    classes = Counter((e["area"], e["referral_period"]) for e in episodes)
    assert min(classes.values()) >= 5


def test_an_earlier_as_of_date_shows_the_ledger_as_it_stood(
    shipped: Path, key_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "extract"
    code, _, _ = run_cli(
        "-C", str(shipped), "export", "evaluation", "--out", str(out), "--as-of", "2024-03-31",
        "--by", "A. Analyst", *SHARE, "--key-file", str(key_file), "--k", "2",
        "--quasi-identifiers", "area",
    )  # fmt: skip
    assert code == 0
    ledger = rows(shipped / "ledger/outcomes.csv")
    referred = [r for r in ledger if r["referral_date"] <= "2024-03-31"]
    episodes = rows(out / "episodes.csv")
    assert len(episodes) == len(referred)  # k = 2 on area alone withholds nothing
    ended = sum(bool(r["end_date"]) and r["end_date"] <= "2024-03-31" for r in referred)
    assert sum(e["end_period"] != "" for e in episodes) == ended
    assert sum(e["risk_reduction"] != "" for e in episodes) <= ended
    assert Counter(e["status"] for e in episodes)["engaged"] == sum(
        bool(r["start_date"]) and r["start_date"] <= "2024-03-31" < (r["end_date"] or "9999")
        for r in referred
    )
    assert {e["referral_period"] for e in episodes} == {f"2023-{m:02d}" for m in range(8, 13)} | {
        "2024-01", "2024-02", "2024-03"
    }  # fmt: skip


def test_spend_says_what_each_line_is_for(shipped: Path, key_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "extract"
    assert export(shipped, out, "--key-file", str(key_file))[0] == 0
    spend = rows(out / "spend.csv")
    assert list(spend[0]) == ["month", "fy_period", "budget_line", "purpose", "area", "amount"]
    by_purpose: Counter[str] = Counter()
    for row in spend:
        by_purpose[row["purpose"]] += int(Decimal(row["amount"]) * 100)
    assert {r["budget_line"] for r in spend if r["purpose"] == "evaluation"} == {"evaluation"}
    # The evaluation's three milestones, and delivery: vfm's 'without evaluation spend'.
    assert (by_purpose["evaluation"], by_purpose["delivery"]) == (5_000_000, 50_932_143)


def snippet(readme: str) -> str:
    """The Python block of the README's Loading section."""
    block = readme.split("## Loading", 1)[1].split("```python\n", 1)[1]
    return block.split("```", 1)[0]


def test_the_readme_snippet_loads_the_extract_in_pandas_and_duckdb(
    shipped: Path, key_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "extract"
    assert export(shipped, out, "--key-file", str(key_file))[0] == 0
    monkeypatch.chdir(out)
    found: dict[str, object] = {}

    exec(snippet((out / "README.md").read_text(encoding="utf-8")), found)

    episodes, completed = found["episodes"], found["completed"]
    assert str(episodes.dtypes["risk_reduction"]) == "boolean"  # type: ignore[attr-defined]
    assert str(episodes.dtypes["days_start_to_end"]) == "Int64"  # type: ignore[attr-defined]
    assert str(found["spend"].dtypes["amount"]) == "float64"  # type: ignore[attr-defined]
    shown = rows(out / "episodes.csv")
    assert sum(completed["completed"]) == sum(e["status"] == "completed" for e in shown)  # type: ignore[index]
    assert sum(completed["risk_reduction"]) == sum(  # type: ignore[index]
        e["status"] == "completed" and e["risk_reduction"] == "true" for e in shown
    )


def test_outcomes_are_true_or_false(shipped: Path, key_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "extract"
    assert export(shipped, out, "--key-file", str(key_file))[0] == 0
    episodes = rows(out / "episodes.csv")
    assert {e["entered_cjs"] for e in episodes} == {"true", "false", ""}
    package = (out / "datapackage.json").read_text(encoding="utf-8")
    assert "trueValues" not in package and '"Y"' not in package


# ------------------------------------------------------------------ the generalisation


def test_every_level_of_the_ladders_is_tried() -> None:
    assert levels(["area", "age"]) == [
        Level("month", "exact"),
        Level("month", "band"),
        Level("month", "all"),
    ]
    assert levels(["area"]) == [Level("month", "exact")]
    everything = levels(["area", "age", "referral_period", "referral_source"], 4)
    assert len(everything) == 5 * 3 * 4  # sources: all four, two kept, one kept, none
    assert Level("half", "band", 2) in everything
    assert Level("half", "band", 3) not in everything  # 3 of 4 kept is all of them


def test_information_lost_counts_the_period_twice() -> None:
    quasi = ["area", "age", "referral_period", "referral_source"]
    assert information_lost(Level("month", "exact"), quasi, 8) == 0
    assert information_lost(Level("quarter", "all"), quasi, 8) == Fraction(3, 2)
    assert information_lost(Level("quarter", "all", 0), quasi, 8) == Fraction(5, 2)
    assert information_lost(Level("all", "exact", 6), quasi, 8) == Fraction(9, 4)


def record(age: int, month: Month, status: str = "completed", cjs: bool = False) -> Quasi:
    return Quasi("north", age, month, "police", "group", status, cjs)


BANDS = ["10-11", "12-14", "15-17"]


def test_the_level_losing_least_within_the_limit_is_used() -> None:
    # Five children referred in the same quarter, in different months, one older.
    records = [
        record(12, Month(2024, 4 + i % 3), ("completed", "declined")[i % 2]) for i in range(4)
    ]
    records.append(record(16, Month(2024, 5), "disengaged"))
    quasi = ["area", "age", "referral_period"]

    strict = anonymise(records, quasi, 4, BANDS, "10-17", Decimal(0))
    assert (strict.level, strict.withheld, strict.within_limit) == (
        Level("quarter", "all"), frozenset(), True
    )  # fmt: skip
    assert strict.smallest == 5
    lenient = anonymise(records, quasi, 4, BANDS, "10-17", Decimal("0.2"))
    assert (lenient.level, lenient.withheld) == (Level("quarter", "exact"), frozenset({4}))


def test_a_class_whose_members_share_a_status_is_not_kept() -> None:
    # k-anonymous by quarter, but every child in it completed: not l-diverse.
    records = [record(12, Month(2024, 4 + i % 3)) for i in range(6)]
    records += [
        record(12, Month(2024, 7 + i % 3), ("completed", "declined")[i % 2]) for i in range(6)
    ]
    chosen = anonymise(records, ["area", "referral_period"], 5, BANDS, "10-17", Decimal("0.5"))
    assert chosen.level == Level("quarter", "exact")
    assert chosen.withheld == frozenset(range(6))  # the quarter everyone completed in
    attempt = chosen.chosen
    assert attempt is not None and (attempt.under_k, attempt.not_diverse) == (0, 6)
    # With no room to withhold, the half-year is used: its one class is diverse.
    strict = anonymise(records, ["area", "referral_period"], 5, BANDS, "10-17", Decimal(0))
    assert (strict.level, strict.withheld) == (Level("half", "exact"), frozenset())


def test_a_class_whose_members_all_entered_the_cjs_is_not_kept() -> None:
    records = [
        record(12, Month(2024, 4), ("completed", "disengaged")[i % 2], True) for i in range(5)
    ]
    chosen = anonymise(records, ["area"], 5, BANDS, "10-17", Decimal(1))
    assert chosen.withheld == frozenset(range(5))
    assert not anonymise(records, ["area"], 5, BANDS, "10-17", Decimal(0)).within_limit


def test_rare_referral_sources_are_recoded_as_other() -> None:
    common = [
        Quasi("north", 12, Month(2024, 4), "police", "group", s)
        for s in ["completed", "declined"] * 3
    ]
    pairs = [("health", "completed"), ("community", "declined"), ("school", "completed")]
    pairs += [("health", "declined"), ("community", "completed")]
    rare = [Quasi("north", 12, Month(2024, 4), source, "group", status) for source, status in pairs]
    chosen = anonymise(common + rare, ["area", "referral_source"], 5, BANDS, "10-17", Decimal(0))
    assert chosen.ranking == ("police", "community", "health", "school")
    assert chosen.level == Level("month", "exact", 1)
    assert chosen.level.source_label("health", chosen.ranking) == "other"
    assert chosen.withheld == frozenset()


STATUSES = ["completed", "disengaged", "declined", "engaged", "referred"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["north", "south"]),
            st.integers(10, 17),
            st.integers(0, 23),
            st.sampled_from(["police", "school", "health", "community"]),
            st.sampled_from(STATUSES),
            st.booleans(),
        ),
        min_size=1,
        max_size=120,
    ),
    st.integers(2, 6),
    st.sampled_from([Decimal(0), Decimal("0.05"), Decimal("0.3")]),
)
def test_every_class_kept_is_k_anonymous_and_l_diverse(
    drawn: list[tuple[str, int, int, str, str, bool]], k: int, limit: Decimal
) -> None:
    records = [
        Quasi(
            area,
            age,
            Month(2023 + (7 + month) // 12, (7 + month) % 12 + 1),
            source,
            "group",
            status,
            cjs,
        )
        for area, age, month, source, status, cjs in drawn
    ]
    quasi = ["area", "age", "referral_period", "referral_source"]
    chosen = anonymise(records, quasi, k, BANDS, "10-17", limit)
    level = chosen.level
    kept = [r for i, r in enumerate(records) if i not in chosen.withheld]
    classes: dict[tuple[object, ...], list[Quasi]] = {}
    for r in kept:
        key = (
            r.area,
            age_label(r.age, level.age, BANDS, "10-17"),
            period_label(r.referral_month, level.period),
            level.source_label(r.referral_source, chosen.ranking),
        )
        classes.setdefault(key, []).append(r)
    for members in classes.values():
        assert len(members) >= k
        assert len({m.status for m in members}) >= 2
        assert not all(m.entered_cjs for m in members)
    assert chosen.smallest == min((len(m) for m in classes.values()), default=0)
    if chosen.within_limit:
        assert len(chosen.withheld) <= limit * len(records)
    else:  # none was within the limit: the level withholding fewest
        assert len(chosen.withheld) == min(a.withheld for a in chosen.attempts)


# ------------------------------------------------------------------- the share record


def test_the_share_is_recorded_and_check_reads_it(
    shipped: Path, key_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "extract"
    assert export(shipped, out, "--key-file", str(key_file))[0] == 0
    records, problems = read_shares(shipped / "ledger/shares.yaml")

    assert problems == [] and records is not None and len(records) == 1
    record = records[0]
    assert (record.at, record.by, record.recipient, record.purpose) == (
        AT, "A. Analyst", "University evaluation team", "Interim evaluation report"
    )  # fmt: skip
    assert (record.as_of.isoformat(), record.k, record.episodes, record.withheld) == (
        AS_OF,
        5,
        440,
        20,
    )
    assert record.quasi_identifiers == ["area", "age", "referral_period", "referral_source"]
    assert record.files == {
        name: "sha256:" + hashlib.sha256((out / name).read_bytes()).hexdigest() for name in FILES
    }
    readme = (out / "README.md").read_text(encoding="utf-8")
    for name in FILES[:4]:
        assert f"| `{name}` |" in readme and record.files[name] in readme
    assert f"key id `{record.key_id}`" in readme
    code, out_text, err = run_cli("-C", str(shipped), "check")
    assert (code, out_text, err) == (0, "", "0 errors, 0 warnings in 9 files\n")


def test_a_second_share_is_appended_without_touching_the_first(
    shipped: Path, key_file: Path, tmp_path: Path
) -> None:
    assert export(shipped, tmp_path / "one", "--key-file", str(key_file))[0] == 0
    before = (shipped / "ledger/shares.yaml").read_bytes()
    assert export(shipped, tmp_path / "two", "--key-file", str(key_file))[0] == 0
    after = (shipped / "ledger/shares.yaml").read_bytes()
    assert after.startswith(before) and len(after) > len(before)
    records, _ = read_shares(shipped / "ledger/shares.yaml")
    assert records is not None and len(records) == 2


def test_a_share_that_cannot_be_recorded_is_not_kept(
    shipped: Path, key_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from svdiversion import appendlog

    def full_disk(path: Path, data: bytes, **_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(appendlog, "write_atomic", full_disk)
    out = tmp_path / "extract"
    code, _, err = export(shipped, out, "--key-file", str(key_file))
    assert code == 2
    assert (
        "cannot write ledger/shares.yaml: No space left on device; the extract was not kept" in err
    )
    assert nothing_written(shipped, out)


def test_settings_are_checked_with_the_ledger(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        settings="""
            service_name: Test service
            referral_sources: [police, school]
            evaluation:
              k: 1
              quasi_identifiers: [area, postcode]
        """,
    )
    code, out, _ = run_cli("-C", str(root), "check", "--as-of", "2025-03-31")
    assert code == 1
    assert [line for line in out.splitlines() if not line.startswith(" ")] == [
        "config/settings.yaml:4:6: E110 evaluation.k: must be at least 2, not 1",
        "config/settings.yaml:5:29: E110 evaluation.quasi_identifiers.1: must be one of 'area', "
        "'age', 'referral_period', 'referral_source', 'pathway', 'sex', 'ethnicity', "
        "'care_experienced' or 'send', not 'postcode'",
    ]


def test_the_default_settings_load(tmp_path: Path) -> None:
    settings = load_ledger(make_workspace(tmp_path)).settings
    assert (settings.evaluation.k, settings.trends.baseline_months) == (5, 12)


# ------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (None, "no pseudonym key: the extract needs one"),
        (b"x" * 31, "the key in {file} is 31 bytes; it must be at least 32"),
        (b"\n", "{file} is empty"),
    ],
)
def test_a_missing_or_short_key_writes_nothing(
    shipped: Path, tmp_path: Path, key: bytes | None, message: str
) -> None:
    out = tmp_path / "extract"
    args: list[str] = []
    file = tmp_path / "short.key"
    if key is not None:
        file.write_bytes(key)
        file.chmod(0o600)
        args = ["--key-file", str(file)]
    code, stdout, err = export(shipped, out, *args)
    assert (code, stdout) == (2, "")
    assert message.format(file=file) in err
    assert "hint: give --key-file FILE or set SVDIVERSION_EVALUATION_KEY" in err
    assert nothing_written(shipped, out)


def test_a_key_inside_the_workspace_is_refused(shipped: Path, tmp_path: Path) -> None:
    inside = shipped / "evaluation.key"
    inside.write_bytes(KEY)
    inside.chmod(0o600)
    out = tmp_path / "extract"
    code, _, err = export(shipped, out, "--key-file", str(inside))
    assert code == 2
    assert "it is inside the workspace, where it would be committed with the ledger" in err
    assert nothing_written(shipped, out)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--k", "1"], "--k 1: k must be at least 2"),
        (["--quasi-identifiers", "area,postcode"], "--quasi-identifiers: unknown 'postcode'"),
        (["--recipient", " "], "--recipient is empty\n  hint: say who receives the extract, e.g."),
        (["--purpose", ""], "--purpose is empty\n  hint: say what it is shared for, e.g."),
    ],
)
def test_bad_options_write_nothing(
    shipped: Path, key_file: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "extract"
    code, _, err = export(shipped, out, "--key-file", str(key_file), *args)
    assert code == 2
    assert message in err
    assert nothing_written(shipped, out)


def test_out_into_the_ledger_is_refused(shipped: Path, key_file: Path) -> None:
    out = shipped / "ledger" / "extract"
    code, _, err = export(shipped, out, "--key-file", str(key_file))
    assert code == 2
    assert "refusing to write" in err and "inside the workspace's ledger or config folder" in err
    assert nothing_written(shipped, out)


def test_a_folder_with_files_in_it_is_refused(
    shipped: Path, key_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "extract"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    code, _, err = export(shipped, out, "--key-file", str(key_file))
    assert code == 2 and f"{out} is not empty" in err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert not (shipped / "ledger/shares.yaml").exists()


def test_a_ledger_with_errors_writes_nothing(shipped: Path, key_file: Path, tmp_path: Path) -> None:
    path = shipped / "ledger/outcomes.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",14,", ",19,", 1), encoding="utf-8")
    out = tmp_path / "extract"
    code, stdout, err = export(shipped, out, "--key-file", str(key_file))
    assert (code, stdout) == (1, "")
    assert "E306" in err and "no report made" in err
    assert nothing_written(shipped, out)


def test_age_bands_that_miss_an_age_write_nothing(key_file: Path, tmp_path: Path) -> None:
    from helpers import EPISODE_HEADER

    root = make_workspace(
        tmp_path / "ws",
        settings="""
            service_name: Test service
            referral_sources: [police, school]
            age_min: 9
        """,
        outcomes=f"""
            {EPISODE_HEADER}
            EP-1,CYP-00001,north,2023-08-01,police,9,one_to_one,completed,2023-08-15,2024-02-15,Y,N
        """,
    )
    out = tmp_path / "extract"
    code, _, err = export(root, out, "--key-file", str(key_file))
    assert code == 2
    assert (
        "evaluation.age_bands in config/settings.yaml: age 9 is in none of the age bands "
        "10-11, 12-14, 15-17" in err
    )
    assert nothing_written(root, out)


# ------------------------------------------------------------------ the hostile trial


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_a_key_file_others_may_read_is_refused(
    shipped: Path, key_file: Path, tmp_path: Path, mode: int
) -> None:
    key_file.chmod(mode)
    out = tmp_path / "extract"
    code, stdout, err = export(shipped, out, "--key-file", str(key_file))
    assert (code, stdout) == (2, "")
    assert (
        f"svdiversion: error: refusing the key in {key_file}: its group or others may read or "
        f"change it (mode {mode:04o})\n  hint: make it yours alone with 'chmod 600 {key_file}'"
    ) in err
    assert nothing_written(shipped, out)


def test_with_no_name_the_message_says_what_to_write(
    shipped: Path, key_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "extract"
    code, _, err = run_cli(
        "-C", str(shipped), "export", "evaluation", "--out", str(out), "--as-of", AS_OF,
        *SHARE, "--key-file", str(key_file), env={"USER": None, "SVDIVERSION_USER": None},
    )  # fmt: skip
    assert code == 2
    assert err == (
        "svdiversion: error: no name for the record of the share\n"
        '  hint: say who makes the share with --by NAME (e.g. --by "A. Analyst"), or set '
        "SVDIVERSION_USER; it is written in ledger/shares.yaml\n"
    )
    assert nothing_written(shipped, out)


KILLED = """
import os, signal, sys
from svdiversion.cli import evaluation
from svdiversion.evaluation import shares
from svdiversion.__main__ import main

def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

if sys.argv[1] == "before-record":
    shares.append_share = killed
else:
    evaluation._move_into_place = killed
sys.argv = ["svdiversion", *sys.argv[2:]]
main()
"""


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["before-record", "before-move"])
def test_a_kill_leaves_no_extract_without_its_record(
    shipped: Path, key_file: Path, tmp_path: Path, moment: str
) -> None:
    import subprocess
    import sys

    out = tmp_path / "extract"
    args = ["-C", str(shipped), "export", "evaluation", "--out", str(out), "--as-of", AS_OF]
    args += ["--by", "A. Analyst", *SHARE, "--key-file", str(key_file)]
    done = subprocess.run(
        [sys.executable, "-c", KILLED, moment, *args], capture_output=True, check=False
    )
    assert done.returncode == -9  # killed right after the last file landed
    assert not out.exists()
    [staging] = tmp_path.glob(".extract.*.partial")
    assert sorted(p.name for p in staging.iterdir()) == sorted(FILES)
    records, _ = read_shares(shipped / "ledger/shares.yaml")
    if moment == "before-record":
        assert records is None  # no record, and no extract under --out either
    else:
        assert records is not None and len(records) == 1  # recorded; the move is left to do


def test_an_empty_folder_is_filled_in_one_rename(
    shipped: Path, key_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "extract"
    out.mkdir()
    assert export(shipped, out, "--key-file", str(key_file))[0] == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    assert list(tmp_path.glob(".*.partial")) == []
