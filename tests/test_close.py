"""Closing and reopening months on a copy of the shipped workspace.

September 2024 is five rows of invoice TCS-INV-202409 (TX-00081 to TX-00085); it
reconciles with the shipped export, and its evaluation variance is explained in
ledger/commentary.yaml. The expected digests are computed here, straight from the CSV,
by the canonical form docs/reconcile.md defines, not by the code under test.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import json
import os
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from hashlib import sha256
from pathlib import Path

import pytest
import yaml

from helpers import CliResult, run_cli
from svdiversion.cli import finance as finance_cli

CLOSES = "ledger/closes.yaml"
COMMENTARY = "ledger/commentary.yaml"
TRANSACTIONS = "ledger/transactions.csv"
AT = datetime(2024, 10, 8, 9, 12, 44, tzinfo=timezone(timedelta(hours=1)))
HEADER = """\
# Months closed and reopened, appended by 'svdiversion close' and 'svdiversion reopen'.
# Only ever appended to: do not edit or remove a record (see docs/reconcile.md).
closes:
"""


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(finance_cli, "now", lambda: AT)


def invoke(root: Path, *args: str, **env: str | None) -> CliResult:
    return run_cli("-C", str(root), *args, env=env)


def canonical(root: Path, month: str) -> tuple[str, dict[str, str]]:
    """The month digest and the short row digests, from the CSV text itself."""
    with (root / TRANSACTIONS).open(newline="", encoding="utf-8") as handle:
        rows = sorted(
            (r for r in csv.DictReader(handle) if r["date"].startswith(month)),
            key=lambda r: r["id"],
        )
    texts = {
        r["id"]: json.dumps(
            [
                r["id"],
                r["date"],
                r["kind"],
                r["budget_line"],
                r["area"],
                f"{Decimal(r['amount']):.2f}",
                r["reference"],
                r["counterparty"],
                r["description"],
                r["tranche"],
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for r in rows
    }
    whole = "".join(text + "\n" for text in texts.values()).encode("utf-8")
    short = {i: hashlib.sha256(t.encode("utf-8")).hexdigest()[:16] for i, t in texts.items()}
    return "sha256:" + hashlib.sha256(whole).hexdigest(), short


def commentary_digests(root: Path, month: str) -> dict[str, str]:
    """Budget line -> short digest of the month's explanation, from the YAML itself."""
    entries = yaml.safe_load((root / COMMENTARY).read_text(encoding="utf-8"))["commentary"]
    found = {}
    for entry in entries:
        if str(entry["month"]) == month:
            text = json.dumps(
                [month, entry["budget_line"], entry["text"].strip()],
                ensure_ascii=False,
                separators=(",", ":"),
            )
            found[entry["budget_line"]] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return dict(sorted(found.items()))


def edit(root: Path, old: str, new: str, file: str = TRANSACTIONS) -> None:
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(root: Path, row_id: str) -> int:
    lines = (root / TRANSACTIONS).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.startswith(row_id + ","))


NEXT_AFTER_CLOSE = (
    "next: svdiversion report --month 2024-09 --format markdown --out pack-2024-09.md "
    "(the monthly pack); 'svdiversion check' now guards the month's rows and commentary\n"
)


def close_september(root: Path) -> None:
    code, _, err = invoke(root, "close", "--month", "2024-09", "--by", "A. Treasurer")
    assert (code, err) == (0, NEXT_AFTER_CLOSE), err


def problem_heads(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line and not line.startswith(" ")]


SEPTEMBER_ROW = (
    "TX-00083,2024-09-27,payment,provider_grant,south_worcestershire,4835.00,TCS-INV-202409,"
    "The Children's Society,Steer Clear delivery September 2024,PG-2024-25-P06"
)


# -------------------------------------------------------------------------------- close


EXPORTS = ("ledger/finance/payments-2023-24.csv", "ledger/finance/payments-2024-25.csv")


def test_close_appends_the_month_with_its_digest(shipped: Path) -> None:
    digest, rows = canonical(shipped, "2024-09")
    explained = commentary_digests(shipped, "2024-09")

    code, out, err = invoke(shipped, "close", "--month", "2024-09", "--by", "A. Treasurer")

    assert (code, err) == (0, NEXT_AFTER_CLOSE)
    assert out == (
        f"Closed 2024-09 (2024/25 P06) by A. Treasurer: 5 rows, {digest}; "
        "recorded in ledger/closes.yaml\n"
    )
    assert (shipped / CLOSES).read_text(encoding="utf-8") == HEADER + (
        '  - action: "close"\n'
        '    month: "2024-09"\n'
        '    at: "2024-10-08T09:12:44+01:00"\n'
        '    by: "A. Treasurer"\n'
        "    totals:\n"
        "      actual: 24796.47\n"
        "      profile: 40642.68\n"
        "      ledger_cash: 24796.47\n"
        "      finance_cash: 24796.47\n"
        f'    digest: "{digest}"\n'
        "    rows:\n"
        + "".join(f'      {ident}: "{short}"\n' for ident, short in rows.items())
        + "    commentary:\n"
        + "".join(f'      {line}: "{short}"\n' for line, short in explained.items())
        + "    exports:\n"
        + "".join(
            f'      {name}: "sha256:{sha256((shipped / name).read_bytes()).hexdigest()}"\n'
            for name in EXPORTS
        )
    )
    assert list(explained) == ["evaluation"]
    assert list(rows) == ["TX-00081", "TX-00082", "TX-00083", "TX-00084", "TX-00085"]
    assert invoke(shipped, "check", "--as-of", "2025-03-31")[0] == 0


def test_check_catches_an_edit_to_a_closed_month(shipped: Path) -> None:
    close_september(shipped)
    at_close, _ = canonical(shipped, "2024-09")
    edit(shipped, SEPTEMBER_ROW, SEPTEMBER_ROW.replace("4835.00", "4853.00"))
    now, _ = canonical(shipped, "2024-09")

    code, out, err = invoke(shipped, "check", "--as-of", "2025-03-31")

    assert code == 1
    assert problem_heads(out) == [
        f"{TRANSACTIONS}:{line_of(shipped, 'TX-00083')}:1: E501 2024-09 was closed on 2024-10-08 "
        f"by A. Treasurer, but its rows changed (TX-00083 changed): digest at close {at_close}, "
        f"now {now}"
    ]
    assert at_close != now
    assert err == "1 error, 0 warnings in 9 files\n"


def test_check_catches_an_edit_to_a_closed_months_commentary(shipped: Path) -> None:
    close_september(shipped)
    text = (shipped / COMMENTARY).read_text(encoding="utf-8")
    line = text.splitlines().index("  - month: 2024-09") + 1
    edit(shipped, "The interim report milestone was profiled for September", "Nothing", COMMENTARY)

    code, out, _ = invoke(shipped, "check", "--as-of", "2025-03-31")

    assert code == 1
    assert problem_heads(out) == [
        f"{COMMENTARY}:{line}:5: E501 2024-09 was closed on 2024-10-08 by A. Treasurer, "
        "but its commentary changed (evaluation changed)"
    ]


def test_check_catches_commentary_added_to_or_removed_from_a_closed_month(shipped: Path) -> None:
    close_september(shipped)
    path = shipped / COMMENTARY
    path.write_text(
        path.read_text(encoding="utf-8")
        + "  - {month: 2024-09, budget_line: provider_grant, text: Added after the close.}\n",
        encoding="utf-8",
    )
    added = len(path.read_text(encoding="utf-8").splitlines())

    code, out, _ = invoke(shipped, "check", "--as-of", "2025-03-31")

    assert code == 1
    assert problem_heads(out) == [
        f"{COMMENTARY}:{added}:5: E501 2024-09 was closed on 2024-10-08 by A. Treasurer, "
        "but its commentary changed (provider_grant added)"
    ]
    path.unlink()
    code, out, _ = invoke(shipped, "check", "--as-of", "2025-03-31")
    assert code == 1
    assert problem_heads(out) == [
        f"{CLOSES}:4:5: E501 2024-09 was closed on 2024-10-08 by A. Treasurer, "
        "but its commentary changed (evaluation removed)"
    ]


def test_check_names_a_removed_row_at_the_close_record(shipped: Path) -> None:
    close_september(shipped)
    at_close, _ = canonical(shipped, "2024-09")
    row = next(
        line
        for line in (shipped / TRANSACTIONS).read_text(encoding="utf-8").splitlines()
        if line.startswith("TX-00081,")
    )
    edit(shipped, row + "\n", "")
    now, _ = canonical(shipped, "2024-09")

    code, out, _ = invoke(shipped, "check", "--as-of", "2025-03-31")

    assert code == 1
    assert (
        f"{CLOSES}:4:5: E501 2024-09 was closed on 2024-10-08 by A. Treasurer, but its rows "
        f"changed (TX-00081 removed): digest at close {at_close}, now {now}" in problem_heads(out)
    )


def test_reformatting_and_reordering_a_closed_month_is_no_change(shipped: Path) -> None:
    close_september(shipped)
    edit(shipped, SEPTEMBER_ROW + "\n", "")
    edit(shipped, "\nTX-00081,", "\n" + SEPTEMBER_ROW.replace("4835.00", "4835.0") + "\nTX-00081,")

    assert invoke(shipped, "check", "--as-of", "2025-03-31")[0] == 0


def test_close_refuses_a_month_that_does_not_reconcile(shipped: Path) -> None:
    commentary = shipped / "ledger/commentary.yaml"
    text = commentary.read_text(encoding="utf-8")
    commentary.write_text(text.replace("month: 2024-09", "month: 2024-08"), encoding="utf-8")

    code, out, err = invoke(shipped, "close", "--month", "2024-09", "--by", "A. Treasurer")

    assert (code, out) == (1, "")
    assert err == (
        "2024-09 does not reconcile: 1 unexplained variance\n"
        "svdiversion: error: 2024-09 does not reconcile, so it was not closed\n"
        "  hint: run 'svdiversion reconcile --month 2024-09' to see what does not agree\n"
    )
    assert not (shipped / CLOSES).exists()


def test_close_refuses_a_payment_the_finance_system_made_twice(
    shipped: Path, tmp_path: Path
) -> None:
    export = shipped / "ledger/finance/payments-2024-25.csv"
    data = export.read_bytes()
    paid = next(line for line in data.split(b"\r\n") if b"TCS-INV-202409" in line)
    doubled = tmp_path / "payments.csv"
    doubled.write_bytes(data.replace(paid, paid + b"\r\n" + paid))

    code, _, err = invoke(
        shipped, "close", "--month", "2024-09", "--by", "A", "--payments", str(doubled)
    )

    assert code == 1
    assert err.splitlines()[0] == (
        "2024-09 does not reconcile: 1 payment in the finance system only"
    )
    assert not (shipped / CLOSES).exists()


def test_close_refuses_a_month_already_closed(shipped: Path) -> None:
    close_september(shipped)
    before = (shipped / CLOSES).read_bytes()

    code, _, err = invoke(shipped, "close", "--month", "2024-09", "--by", "B. Deputy")

    assert code == 1
    assert err == (
        "svdiversion: error: 2024-09 is already closed (on 2024-10-08 by A. Treasurer)\n"
        "  hint: to change it, reopen it first: svdiversion reopen --month 2024-09 --reason TEXT\n"
    )
    assert (shipped / CLOSES).read_bytes() == before


def test_close_refuses_a_month_that_has_not_ended(shipped: Path) -> None:
    code, _, err = invoke(
        shipped, "close", "--month", "2024-09", "--by", "A", "--as-of", "2024-09-30"
    )

    assert code == 1
    assert err.splitlines()[0] == "svdiversion: error: 2024-09 has not ended yet (as of 2024-09-30)"


def test_who_closes_comes_from_the_environment(shipped: Path) -> None:
    code, out, _ = invoke(
        shipped, "close", "--month", "2024-09", SVDIVERSION_USER="finance.officer", USER="root"
    )

    assert code == 0
    assert out.startswith("Closed 2024-09 (2024/25 P06) by finance.officer: 5 rows, ")
    assert '    by: "finance.officer"\n' in (shipped / CLOSES).read_text(encoding="utf-8")


def test_close_without_anyone_to_name_is_a_usage_error(shipped: Path) -> None:
    code, _, err = invoke(shipped, "close", "--month", "2024-09", SVDIVERSION_USER=None, USER=None)

    assert code == 2
    assert err == (
        "svdiversion: error: say who you are with --by NAME\n"
        "  hint: or set SVDIVERSION_USER in the environment\n"
    )


# ------------------------------------------------------------------------------- reopen


def test_reopen_keeps_the_history_and_lets_the_month_change(shipped: Path) -> None:
    close_september(shipped)
    first_close = (shipped / CLOSES).read_bytes()
    edit(
        shipped,
        "Steer Clear delivery September 2024,PG-2024-25-P06\nTX-00084",
        ("Steer Clear delivery September 2024 (South),PG-2024-25-P06\nTX-00084"),
    )
    assert invoke(shipped, "check", "--as-of", "2025-03-31")[0] == 1

    code, out, err = invoke(
        shipped,
        "reopen",
        "--month",
        "2024-09",
        "--reason",
        "Area named in the description",
        "--by",
        "A. Treasurer",
    )

    assert (code, err) == (
        0,
        "next: correct the month's rows (svdiversion import --month 2024-09 for payments the "
        "finance export has), then svdiversion reconcile --month 2024-09 and svdiversion "
        "close --month 2024-09\n",
    )
    assert out == "Reopened 2024-09 (2024/25 P06) by A. Treasurer; recorded in ledger/closes.yaml\n"
    after_reopen = (shipped / CLOSES).read_bytes()
    assert after_reopen == first_close + (
        b'  - action: "reopen"\n'
        b'    month: "2024-09"\n'
        b'    at: "2024-10-08T09:12:44+01:00"\n'
        b'    by: "A. Treasurer"\n'
        b'    reason: "Area named in the description"\n'
    )
    assert invoke(shipped, "check", "--as-of", "2025-03-31")[0] == 0

    close_september(shipped)

    history = (shipped / CLOSES).read_bytes()
    assert history.startswith(after_reopen)
    digest, _ = canonical(shipped, "2024-09")
    assert (
        history.endswith(b"\n")
        and f'    digest: "{digest}"\n'.encode() in history[len(after_reopen) :]
    )
    assert invoke(shipped, "check", "--as-of", "2025-03-31")[0] == 0


def test_reopen_of_a_month_that_is_not_closed(shipped: Path) -> None:
    code, _, err = invoke(shipped, "reopen", "--month", "2024-08", "--reason", "x", "--by", "A")

    assert code == 1
    assert err == (
        "svdiversion: error: 2024-08 is not closed\n"
        "  hint: the months closed now are listed in ledger/closes.yaml\n"
    )
    assert not (shipped / CLOSES).exists()


def test_reopen_needs_a_reason(shipped: Path) -> None:
    close_september(shipped)

    code, _, err = invoke(shipped, "reopen", "--month", "2024-09", "--reason", "  ", "--by", "A")

    assert code == 2
    assert (
        err.splitlines()[0]
        == "svdiversion: error: give the reason for reopening with --reason TEXT"
    )


def test_a_malformed_closes_file_is_never_appended_to(shipped: Path) -> None:
    broken = (
        'closes:\n  - action: "close"\n    month: "2024-09"\n    at: "2024-10-08"\n    by: "A"\n'
    )
    (shipped / CLOSES).write_text(broken, encoding="utf-8")

    code, _, err = invoke(shipped, "reopen", "--month", "2024-09", "--reason", "x", "--by", "A")

    assert code == 1
    assert problem_heads(err) == [
        "ledger/closes.yaml:2:5: E502 closes.0: a close record needs the digest of the "
        "month's rows",
        "svdiversion: error: ledger/closes.yaml has problems; nothing was appended (1 problem)",
    ]
    assert (shipped / CLOSES).read_text(encoding="utf-8") == broken


def test_a_closes_file_that_would_not_read_back_is_left_alone(shipped: Path) -> None:
    """Records written by hand as one JSON document (valid YAML, so check passes) cannot
    be followed by an appended block item: the close is refused, the file kept."""
    close_september(shipped)
    as_json = json.dumps(yaml.safe_load((shipped / CLOSES).read_text()), default=str)
    (shipped / CLOSES).write_text(as_json + "\n", encoding="utf-8")
    assert invoke(shipped, "check", "--as-of", "2025-03-31")[0] == 0

    code, _, err = invoke(shipped, "close", "--month", "2024-10", "--by", "A")

    assert code == 1
    assert err.startswith(
        "svdiversion: error: ledger/closes.yaml does not read back: YAML syntax error"
    )
    assert (shipped / CLOSES).read_text(encoding="utf-8") == as_json + "\n"
    assert sorted(p.name for p in (shipped / "ledger").iterdir() if p.name.startswith(".")) == []


# ------------------------------------------------------------------------ atomic writes


def boom(*args: object, **kwargs: object) -> None:
    raise OSError(errno.EIO, "Input/output error")


def test_an_interrupted_close_leaves_closes_yaml_intact(
    shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    close_september(shipped)
    invoke(shipped, "reopen", "--month", "2024-09", "--reason", "x", "--by", "A")
    before = (shipped / CLOSES).read_bytes()
    monkeypatch.setattr(os, "replace", boom)

    code, out, err = invoke(shipped, "close", "--month", "2024-09", "--by", "A. Treasurer")

    assert (code, out) == (2, "")
    assert err == (
        "svdiversion: error: cannot write ledger/closes.yaml: Input/output error; "
        "ledger/closes.yaml is unchanged\n"
        "  hint: nothing was recorded: fix the cause and run the command again\n"
    )
    assert (shipped / CLOSES).read_bytes() == before
    assert sorted(p.name for p in (shipped / "ledger").iterdir() if p.name.startswith(".")) == []


def test_an_interrupted_first_close_leaves_no_file(
    shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "replace", boom)

    code, _, _ = invoke(shipped, "close", "--month", "2024-09", "--by", "A. Treasurer")

    assert code == 2
    assert not (shipped / CLOSES).exists()
    assert sorted(p.name for p in (shipped / "ledger").iterdir() if p.name.startswith(".")) == []


def test_closing_a_month_while_an_earlier_one_is_open_warns(shipped: Path) -> None:
    assert invoke(shipped, "close", "--month", "2024-09", "--by", "A. Treasurer")[0] == 0

    code, _, err = invoke(shipped, "close", "--month", "2024-11", "--by", "A. Treasurer")

    assert code == 0
    assert err.splitlines()[0] == (
        "warning: 2024-11 is closed while earlier month is open: 2024-10; reconcile and "
        "close them too (svdiversion reconcile --month M)"
    )
    # closing the month left open fills the gap: no warning
    assert invoke(shipped, "close", "--month", "2024-10", "--by", "A. Treasurer")[2] == (
        NEXT_AFTER_CLOSE.replace("2024-09", "2024-10")
    )
