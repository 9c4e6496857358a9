"""The evaluator's extract, end to end on a copy of the shipped ledger, attacked as a
careful evaluator (or a careless one) would: references, pseudonyms, k-anonymity, the
data package, the record of the share, and every way it must refuse to write."""

from __future__ import annotations

import csv
import hashlib
import hmac
import re
from collections import Counter
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from frictionless import Package, validate

from helpers import load_ledger, make_workspace, run_cli
from svdiversion.cli import evaluation as evaluation_cli
from svdiversion.core.fiscal import Month
from svdiversion.evaluation.anonymity import Level, Quasi, anonymise, levels
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
        f"wrote {', '.join(FILES)} in {out}: 436 episodes (24 of 460 withheld for "
        "k-anonymity, k = 5; periods withheld; age withheld); recorded in ledger/shares.yaml\n"
    )
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    episodes = rows(out / "episodes.csv")
    assert len(episodes) == 436
    assert list(episodes[0]) == [
        "person_key", "episode_key", "area", "age_band", "referral_period", "referral_source",
        "pathway", "status", "start_period", "end_period", "days_referral_to_start",
        "days_start_to_end", "risk_reduction", "increased_awareness", "positive_activity",
        "progress_key_areas", "entered_cjs",
    ]  # fmt: skip
    assert {e["referral_period"] for e in episodes} == {"all"}
    assert {e["age_band"] for e in episodes} == {"10-17"}
    assert [e["episode_key"] for e in episodes] == sorted(e["episode_key"] for e in episodes)


def test_the_package_validates_with_frictionless_and_reads_back(
    shipped: Path, key_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "extract"
    assert export(shipped, out, "--key-file", str(key_file))[0] == 0

    report = validate(out / "datapackage.json")

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert [(t.name, t.stats["rows"]) for t in report.tasks] == [
        ("episodes", 436),
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
    assert min(classes.values()) >= 5
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "| 6 | periods withheld; age withheld | 24 | used |" in readme
    assert "Withheld: **24 of 460** episodes referred by 2025-03-31 (5.2%)" in readme


def test_fewer_quasi_identifiers_keep_more_detail(
    shipped: Path, key_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "extract"
    code, _, err = export(
        shipped, out, "--key-file", str(key_file), "--quasi-identifiers", "area,age,referral_period"
    )
    assert code == 0
    assert (
        "437 episodes (23 of 460 withheld for k-anonymity, k = 5; periods by financial year;" in err
    )
    episodes = rows(out / "episodes.csv")
    assert {e["referral_period"] for e in episodes} == {"2023/24", "2024/25"}
    assert {e["age_band"] for e in episodes} == {"10-11", "12-14", "15-17"}
    # start and end periods are generalised like the referral period
    assert {e["start_period"] for e in episodes} <= {"", "2023/24", "2024/25"}
    classes = Counter((e["area"], e["age_band"], e["referral_period"]) for e in episodes)
    assert min(classes.values()) >= 5
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "| 3 | periods by financial year; age in years | 83 |  |" in readme
    assert (
        "| 4 | periods by financial year; age in bands 10-11, 12-14, 15-17 | 23 | used |" in readme
    )


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


def test_generalisation_follows_the_documented_order() -> None:
    assert levels(["area", "age", "referral_period", "referral_source"]) == [
        Level("month", "exact"),
        Level("quarter", "exact"),
        Level("year", "exact"),
        Level("year", "band"),
        Level("year", "all"),
        Level("all", "all"),
    ]
    assert levels(["area", "age"]) == [
        Level("month", "exact"),
        Level("month", "band"),
        Level("month", "all"),
    ]
    assert levels(["area"]) == [Level("month", "exact")]


def test_the_first_level_withholding_few_enough_is_used() -> None:
    def record(age: int, month: Month) -> Quasi:
        return Quasi("north", age, month, "police", "group")

    # Five children referred in the same quarter, in different months, one older.
    records = [record(12, Month(2024, 4 + i % 3)) for i in range(4)] + [record(16, Month(2024, 5))]
    bands = ["10-11", "12-14", "15-17"]
    quasi = ["area", "age", "referral_period"]

    strict = anonymise(records, quasi, 4, bands, "10-17", Decimal(0))
    assert [(a.level, a.withheld) for a in strict.attempts] == [
        (Level("month", "exact"), 5),
        (Level("quarter", "exact"), 1),
        (Level("year", "exact"), 1),
        (Level("year", "band"), 1),
        (Level("year", "all"), 0),
        (Level("all", "all"), 0),
    ]
    assert (strict.level, strict.withheld) == (Level("year", "all"), frozenset())
    lenient = anonymise(records, quasi, 4, bands, "10-17", Decimal("0.2"))
    assert (lenient.level, lenient.withheld) == (Level("quarter", "exact"), frozenset({4}))


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
        436,
        24,
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
        "'age', 'referral_period', 'referral_source' or 'pathway', not 'postcode'",
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
        args = ["--key-file", str(file)]
    code, stdout, err = export(shipped, out, *args)
    assert (code, stdout) == (2, "")
    assert message.format(file=file) in err
    assert "hint: give --key-file FILE or set SVDIVERSION_EVALUATION_KEY" in err
    assert nothing_written(shipped, out)


def test_a_key_inside_the_workspace_is_refused(shipped: Path, tmp_path: Path) -> None:
    inside = shipped / "evaluation.key"
    inside.write_bytes(KEY)
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
        (["--recipient", " "], "say recipient with --recipient TEXT"),
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
