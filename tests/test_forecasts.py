"""The treasurer's forecast (``ledger/forecasts.yaml``): what reports make of it, and what
``check`` says of a file that does not read. The rules between files (E701, E702) are in
``tests/test_checks.py`` and the bad-input corpus."""

from __future__ import annotations

from pathlib import Path

from helpers import TX_HEADER, inline, make_workspace, run_cli
from svdiversion.core.fiscal import Month
from svdiversion.core.forecasts import Forecast, treasurer_months

# The evaluation report profiled for March 2024 (T3, £150.00) slips to April, unpaid yet.
SLIPPED = f"""
    {TX_HEADER}
    TX-1,2023-09-30,payment,delivery,north,200.00,INV-1,Provider,September delivery,T1
    TX-2,2023-09-30,payment,delivery,south,200.00,INV-1,Provider,September delivery,T1
"""
FORECAST = """
    forecasts:
      - budget_line: evaluation
        from: 2024-03
        said_by: A. Treasurer
        said_on: 2024-03-20
        reason: The report slips to April.
        spend:
          2024-03: 0.00
          2024-04: 150.00
"""


def burndown(root: Path, as_of: str) -> dict:
    import json

    code, out, err = run_cli("-C", str(root), "burndown", "--as-of", as_of, "--format", "json")
    assert (code, err) == (0, "")
    return json.loads(out)


def line(report: dict, ident: str) -> dict:
    return next(row for row in report["lines"] if row["id"] == ident)


def test_without_a_forecast_the_treasurer_forecast_is_null(tmp_path: Path) -> None:
    report = burndown(make_workspace(tmp_path, transactions=SLIPPED), "2024-03-31")

    assert report["treasurer_forecast"] is None
    assert {row["treasurer_forecast"] for row in report["lines"]} == {None}
    assert (report["variance"], report["rag"]) == ("-600.00", "red")


def test_a_slipped_payment_moves_variance_and_rag_to_the_treasurers_word(tmp_path: Path) -> None:
    root = make_workspace(tmp_path, transactions=SLIPPED, extra={"ledger/forecasts.yaml": FORECAST})
    report = burndown(root, "2024-03-31")

    evaluation = line(report, "evaluation")
    assert evaluation["forecast_outturn"] == "0.00"  # the profile: due and not paid
    assert evaluation["treasurer_forecast"] == "150.00"  # April's £150.00 still to come
    assert (evaluation["variance"], evaluation["rag"]) == ("0.00", "green")
    assert line(report, "delivery")["treasurer_forecast"] is None
    # Top: the profile forecast plus what the treasurer changed (+£150.00).
    assert (report["forecast_outturn"], report["treasurer_forecast"]) == ("400.00", "550.00")
    assert report["variance"] == "-450.00"
    assert report["variance_to_profile"] == "-550.00"  # still against the profile


def test_a_forecast_said_after_the_as_of_date_does_not_count(tmp_path: Path) -> None:
    root = make_workspace(tmp_path, transactions=SLIPPED, extra={"ledger/forecasts.yaml": FORECAST})
    report = burndown(root, "2024-03-19")

    assert report["treasurer_forecast"] is None


def test_the_treasurers_month_counts_as_due_on_its_last_day(tmp_path: Path) -> None:
    root = make_workspace(tmp_path, transactions=SLIPPED, extra={"ledger/forecasts.yaml": FORECAST})
    # Mid-April: the £150.00 of April is still to come, not yet expected to date.
    evaluation = line(burndown(root, "2024-04-15"), "evaluation")
    assert (evaluation["treasurer_forecast"], evaluation["rag"]) == ("150.00", "green")
    # After April, unpaid: expected £150.00 to date, nothing spent.
    evaluation = line(burndown(root, "2024-04-30"), "evaluation")
    assert (evaluation["treasurer_forecast"], evaluation["rag"]) == ("0.00", "red")


def entry(line: str, start: str, said_on: str, spend: dict[str, str]) -> Forecast:
    return Forecast.model_validate(
        {
            "budget_line": line,
            "from": start,
            "said_by": "A. Treasurer",
            "said_on": said_on,
            "reason": "test",
            "spend": spend,
        }
    )


def test_a_later_word_replaces_an_earlier_one_from_its_month_on() -> None:
    earlier = entry("evaluation", "2024-03", "2024-03-01", {"2024-03": "0", "2024-05": "9"})
    later = entry("evaluation", "2024-04", "2024-04-02", {"2024-04": "150.00"})

    months = treasurer_months([later, earlier])  # applied in the order they were said

    assert months == {"evaluation": {Month(2024, 3): 0, Month(2024, 4): 15000}}


def test_reports_of_a_broken_forecasts_file_say_what_to_write(tmp_path: Path) -> None:
    broken = """
        forecasts:
          - budget_line: evaluation
            from: 2024-9
            said_by: ""
            said_on: 20/09/2024
            reason: x
            spend: {}
          - budget_line: "bad id!"
            from: 2024-09
            said_by: A
            said_on: 2024-09-20
            reason: x
            spend:
              2024-13: 1.00
              2024-11: £1,000
              2024-12: 99999999999999999999.00
              2025-01: [1]
    """
    root = make_workspace(tmp_path, extra={"ledger/forecasts.yaml": broken})

    code, out, err = run_cli("-C", str(root), "check", "--as-of", "2025-03-31")

    assert code == 1
    heads = [row for row in out.splitlines() if row.startswith("ledger/forecasts.yaml")]
    assert heads == [
        "ledger/forecasts.yaml:3:11: E110 forecasts.0.from: write the first month the entry "
        "covers, as YYYY-MM, such as 2024-10",
        "ledger/forecasts.yaml:4:14: E110 forecasts.0.said_by: write who gave the forecast, "
        "such as A. Treasurer (at most 100 characters)",
        "ledger/forecasts.yaml:5:14: E110 forecasts.0.said_on: write the date it was given, "
        "as YYYY-MM-DD, such as 2024-09-20",
        "ledger/forecasts.yaml:7:12: E110 forecasts.0.spend: write one line per month, "
        "'YYYY-MM: amount', such as '2024-10: 15000.00'",
        "ledger/forecasts.yaml:8:18: E110 forecasts.1.budget_line: write the id of a budget "
        "line of the contract, such as evaluation",
        "ledger/forecasts.yaml:15:16: E110 forecasts.1.spend.2024-11: write money as a plain "
        "decimal such as 538496.32, without £ or thousands separators",
        "ledger/forecasts.yaml:16:16: E110 forecasts.1.spend.2024-12: an amount needs at most "
        "10 digits before the decimal point",
        "ledger/forecasts.yaml:17:16: E110 forecasts.1.spend.2025-01: write plain pounds such "
        "as 15000.00: no £ or thousands separators, at most two decimals",
    ]
    assert "Input should" not in out and "pattern" not in out and "Traceback" not in err


def test_a_month_key_that_is_not_a_month_is_located(tmp_path: Path) -> None:
    text = inline(FORECAST).replace("2024-04: 150.00", "2024-13: 150.00")
    root = make_workspace(tmp_path, extra={"ledger/forecasts.yaml": text})

    code, out, _ = run_cli("-C", str(root), "check", "--as-of", "2025-03-31")

    assert code == 1
    assert out.splitlines()[0] == (
        "ledger/forecasts.yaml:9:16: E110 forecasts.0.spend: '2024-13' is not a month; "
        "write it as YYYY-MM, such as 2024-10"
    )


def test_hostile_bytes_in_the_forecasts_file_are_located_not_a_traceback(tmp_path: Path) -> None:
    for name, data in {
        "nul": b"forecasts:\n  - budget_line: \x00evaluation\n",
        "latin1": "forecasts: [{reason: caf\u00e9}]\n".encode("latin-1"),
        "deep": b"forecasts: " + b"[" * 5000 + b"]" * 5000 + b"\n",
        "list": b"- 1\n- 2\n",
    }.items():
        root = make_workspace(tmp_path / name, extra={"ledger/forecasts.yaml": data})
        code, out, err = run_cli("-C", str(root), "check", "--as-of", "2025-03-31")
        assert code in (1, 2), name
        assert out.startswith("ledger/forecasts.yaml:"), (name, out)
        assert "Traceback" not in err


def test_a_forecast_month_part_paid_is_not_counted_twice(tmp_path: Path) -> None:
    """Mid-April, £100.00 of April's £150.00 is paid: the outturn is £150.00, the £100.00
    paid and the £50.00 still to come, not the £100.00 and the whole £150.00 again."""
    paid = SLIPPED + "    TX-3,2024-04-10,payment,evaluation,,100.00,EV-1,University,Part,\n"
    root = make_workspace(tmp_path, transactions=paid, extra={"ledger/forecasts.yaml": FORECAST})

    evaluation = line(burndown(root, "2024-04-15"), "evaluation")

    assert (evaluation["actual_to_date"], evaluation["treasurer_forecast"]) == ("100.00", "150.00")
