"""Make the shipped workspace's ILLUSTRATIVE activity: transactions, episodes, workshops,
and the finance system's payments listings that agree with the transactions.

Deterministic (fixed seeds), so the files can be regenerated and reviewed as a diff:

    python scripts/make_sample.py            # rewrites ledger/*.csv and ledger/finance/*.csv
    python scripts/make_sample.py -C DIR     # ... in another workspace

No real child's data: every reference, age and date here is made up. The contract facts
(ledger/contract.yaml) are written by hand and read, not changed, by this script.
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import ClassVar

import yaml

SEED = 20230816  # the date the decision was signed
START, END = date(2023, 7, 1), date(2025, 3, 31)
PROVIDER = "The Children's Society"
EVALUATOR = "Evaluation partner (illustrative)"

AREA_REFERRAL_WEIGHTS = {
    "herefordshire": 17,
    "north_worcestershire": 19,
    "south_worcestershire": 19,
    "shropshire": 20,
    "telford_wrekin": 25,
}
AGE_WEIGHTS = {10: 2, 11: 4, 12: 8, 13: 12, 14: 16, 15: 18, 16: 14, 17: 8}
SOURCE_WEIGHTS = {
    "police": 38,
    "school": 22,
    "youth_justice": 10,
    "childrens_social_care": 9,
    "early_help": 8,
    "health": 4,
    "parent_carer": 6,
    "community": 3,
}
# Chance of Y for a completed episode (a disengaged one has about half the chance).
MEASURE_RATES = {
    "risk_reduction": 0.74,
    "increased_awareness": 0.86,
    "positive_activity": 0.62,
    "progress_key_areas": 0.68,
    "entered_cjs": 0.06,
}
OTHER_RATE = 0.5  # a measure the contract adds later: achieved by about half
# Delivery ramps up over the first months (mobilisation), then runs close to profile.
MOBILISATION = [Decimal("0.55"), Decimal("0.75"), Decimal("0.90")]


def months(start: date = START, end: date = END) -> Iterator[date]:
    """The first day of each month from ``start`` to ``end``."""
    day = start.replace(day=1)
    while day <= end:
        yield day
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def month_end(first: date) -> date:
    return date(first.year + (first.month == 12), first.month % 12 + 1, 1) - timedelta(days=1)


def pounds(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))


class Transactions:
    HEADER: ClassVar[list[str]] = [
        "id",
        "date",
        "kind",
        "budget_line",
        "area",
        "amount",
        "reference",
        "counterparty",
        "description",
        "tranche",
    ]

    def __init__(self) -> None:
        self.rows: list[list[str]] = []

    def add(
        self,
        day: date,
        kind: str,
        line: str,
        area: str,
        amount: Decimal,
        reference: str,
        counterparty: str,
        description: str,
        tranche: str = "",
    ) -> None:
        ident = f"TX-{len(self.rows) + 1:05d}"
        self.rows.append(
            [
                ident,
                day.isoformat(),
                kind,
                line,
                area,
                pounds(amount),
                reference,
                counterparty,
                description,
                tranche,
            ]
        )


def provider_payments(rng: random.Random, contract: dict, ledger: Transactions) -> None:
    decision = contract["decisions"][0]
    allocations = {a["area"]: Decimal(str(a["amount"])) for a in decision["allocations"]}
    budget = sum(allocations.values())
    shares = {area: amount / budget for area, amount in allocations.items()}
    tranches = [t for t in decision["tranches"] if t["line"] == "provider_grant"]
    spent = Decimal(0)
    all_months = list(months())
    for index, (first, tranche) in enumerate(zip(all_months, tranches, strict=True)):
        planned = Decimal(str(tranche["amount"]))
        factor = (
            MOBILISATION[index]
            if index < len(MOBILISATION)
            else (Decimal(1) + Decimal(rng.randint(-40, 30)) / 1000)
        )
        invoice = (planned * factor).quantize(Decimal("0.01"))
        if index == len(all_months) - 1:  # the last invoice keeps the line just under budget
            invoice = min(invoice, budget - spent - Decimal("2841.17"))
        spent += invoice
        reference = f"TCS-INV-{first:%Y%m}"
        description = f"Steer Clear delivery {first:%B %Y}"
        paid = month_end(first) - timedelta(days=rng.randint(2, 6))
        year_end_accrual = first == date(2024, 3, 1)
        if year_end_accrual:
            # The March 2024 invoice arrives after the year closes: accrue it, reverse the
            # accrual in April, and pay in April.
            paid = date(2024, 4, 12)
        for area, amount in split(invoice, shares):
            if year_end_accrual:
                ledger.add(
                    date(2024, 3, 31),
                    "accrual",
                    "provider_grant",
                    area,
                    amount,
                    f"ACR-{first:%Y%m}",
                    PROVIDER,
                    f"Year-end accrual: {description}",
                    tranche["id"],
                )
                ledger.add(
                    date(2024, 4, 1),
                    "reversal",
                    "provider_grant",
                    area,
                    -amount,
                    f"ACR-{first:%Y%m}",
                    PROVIDER,
                    f"Reverse accrual: {description}",
                    tranche["id"],
                )
            ledger.add(
                paid,
                "payment",
                "provider_grant",
                area,
                amount,
                reference,
                PROVIDER,
                description,
                tranche["id"],
            )
        if first == date(2024, 11, 1):
            ledger.add(
                date(2024, 11, 22),
                "refund",
                "provider_grant",
                "shropshire",
                Decimal("-1250.00"),
                "TCS-CN-0007",
                PROVIDER,
                "Credit note: sessional worker costs invoiced twice in October",
            )


def split(amount: Decimal, shares: dict[str, Decimal]) -> list[tuple[str, Decimal]]:
    """Split ``amount`` across areas by share, the last area taking the rounding."""
    parts = []
    remaining = amount
    areas = list(shares)
    for area in areas[:-1]:
        part = (amount * shares[area]).quantize(Decimal("0.01"))
        parts.append((area, part))
        remaining -= part
    parts.append((areas[-1], remaining))
    return parts


def evaluation_payments(ledger: Transactions) -> None:
    milestones = [
        (date(2024, 1, 19), "10000.00", "EV-INCEPTION", "Evaluation inception report"),
        (date(2024, 10, 11), "15000.00", "EV-INTERIM", "Evaluation interim report"),
        (date(2025, 3, 24), "25000.00", "EV-FINAL", "Evaluation final report"),
    ]
    for number, (day, amount, tranche, description) in enumerate(milestones, start=1):
        ledger.add(
            day,
            "payment",
            "evaluation",
            "",
            Decimal(amount),
            f"UNI-PO-4471-{number}",
            EVALUATOR,
            description,
            tranche,
        )


def pick(rng: random.Random, weights: dict) -> object:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


EQUALITY_SEED = 20240401  # the day the equality fields were first recorded
EQUALITY_COLUMNS = [
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
# ILLUSTRATIVE shares, not the service's: the equality fields exist so that the tables and
# the extract that use them have something to show.
SEX_WEIGHTS = {"male": 62, "female": 36, "not_known": 2}
ETHNICITY_WEIGHTS = {"white": 84, "asian": 5, "black": 3, "mixed": 5, "other": 1, "not_known": 2}
EDUCATION_WEIGHTS = {"in_education": 85, "neet": 8, "training": 3, "employment": 1, "not_known": 3}
REASON_WEIGHTS = {
    "violence": 40,
    "weapon_carrying": 20,
    "exploitation_risk": 20,
    "antisocial_behaviour": 15,
    "other": 5,
}
CLOSURE = {"declined": "declined", "disengaged": "disengaged", "completed": "plan_completed"}


def equality_values(
    rng: random.Random,
    known: dict[str, list[str]],
    cyp_ref: str,
    status: str,
    pathway: str,
    referred: date,
    end: date | None,
) -> list[str]:
    """The optional columns of one episode, drawn from a generator of their own (so the
    rest of the sample does not change with them); a child's sex, ethnicity, care
    experience and SEND are the same in every episode."""
    if cyp_ref not in known:
        known[cyp_ref] = [
            str(pick(rng, SEX_WEIGHTS)),
            str(pick(rng, ETHNICITY_WEIGHTS)),
            "Y" if rng.random() < 0.15 else "N",
            "Y" if rng.random() < 0.25 else "N",
        ]
    sessions = ""
    if status == "completed":
        sessions = str(rng.randint(8, 20) if pathway == "one_to_one" else 2)
    elif status == "disengaged":
        sessions = str(rng.randint(1, 6))
    assessed = min(end + timedelta(days=rng.randint(0, 14)), END) if end else None
    # The follow-up for entering the criminal justice system: a year from the end, or from
    # the referral for a declined one (the comparison group).
    follow_up = end or (referred if status == "declined" else None)
    return [
        *known[cyp_ref],
        str(pick(rng, EDUCATION_WEIGHTS)),
        str(pick(rng, REASON_WEIGHTS)),
        CLOSURE.get(status, ""),
        sessions,
        assessed.isoformat() if assessed else "",
        (follow_up + timedelta(days=365)).isoformat() if follow_up else "",
    ]


def episodes(rng: random.Random, measures: list[str]) -> list[list[str]]:
    equality_rng, known = random.Random(EQUALITY_SEED), {}
    rows = []
    child = 0
    referral_window = (date(2023, 8, 1), date(2025, 1, 31))
    span = (referral_window[1] - referral_window[0]).days
    repeat_pool: list[tuple[str, str]] = []
    for number in range(1, 461):
        # Referrals build up over the first months of the contract.
        offset = int(span * rng.random() ** 0.8)
        referred = referral_window[0] + timedelta(days=offset)
        if repeat_pool and rng.random() < 0.04:
            cyp_ref, area = repeat_pool.pop()  # referred again after declining
        else:
            child += 1
            cyp_ref, area = f"CYP-{child:05d}", str(pick(rng, AREA_REFERRAL_WEIGHTS))
        pathway = "one_to_one" if rng.random() < 0.65 else "group"
        declined = rng.random() < 0.12
        start = end = None
        status = "declined"
        if declined:
            repeat_pool.append((cyp_ref, area))
        else:
            start = referred + timedelta(days=rng.randint(5, 30))
            if start > END:
                start = None
                status = "declined"
            elif rng.random() < 0.24:
                status = "disengaged"
                end = min(start + timedelta(days=rng.randint(21, 120)), END)
            else:
                status = "completed"
                length = rng.randint(180, 270) if pathway == "one_to_one" else rng.randint(7, 14)
                end = min(start + timedelta(days=length), END)
        outcomes = []
        for measure in measures:
            if start is None or rng.random() < 0.08:
                outcomes.append("")
                continue
            rate = MEASURE_RATES.get(measure, OTHER_RATE) * (1 if status == "completed" else 0.5)
            if measure == "entered_cjs" and status == "disengaged":
                rate = 0.15
            outcomes.append("Y" if rng.random() < rate else "N")
        rows.append(
            [
                f"EP-{number:05d}",
                cyp_ref,
                area,
                referred.isoformat(),
                str(pick(rng, SOURCE_WEIGHTS)),
                str(pick(rng, AGE_WEIGHTS)),
                pathway,
                status,
                start.isoformat() if start else "",
                end.isoformat() if end else "",
                *outcomes,
                *equality_values(equality_rng, known, cyp_ref, status, pathway, referred, end),
            ]
        )
    rows.sort(key=lambda row: (row[3], row[0]))
    return rows


def workshops(rng: random.Random) -> list[list[str]]:
    sessions = []
    first_day, last_day = date(2023, 9, 4), date(2025, 3, 20)
    span = (last_day - first_day).days
    for _ in range(36):  # Steer Clear courses: two one-hour sessions, the first with parents
        day = first_day + timedelta(days=rng.randint(0, span - 8))
        area = str(pick(rng, AREA_REFERRAL_WEIGHTS))
        children = rng.randint(4, 12)
        sessions.append((day, area, "steer_clear_group", children, rng.randint(2, children), 0))
        sessions.append(
            (day + timedelta(days=7), area, "steer_clear_group", children - rng.randint(0, 2), 0, 0)
        )
    for _ in range(16):
        day = first_day + timedelta(days=rng.randint(0, span))
        sessions.append(
            (day, str(pick(rng, AREA_REFERRAL_WEIGHTS)), "parent_session", 0, rng.randint(3, 14), 0)
        )
    for _ in range(14):
        day = first_day + timedelta(days=rng.randint(0, span))
        sessions.append(
            (
                day,
                str(pick(rng, AREA_REFERRAL_WEIGHTS)),
                "professional_training",
                0,
                0,
                rng.randint(8, 30),
            )
        )
    sessions.sort()
    return [
        [f"WS-{i:04d}", d.isoformat(), area, kind, str(c), str(p), str(pro)]
        for i, (d, area, kind, c, p, pro) in enumerate(sessions, start=1)
    ]


# ----------------------------------------------------------------- the finance system's side
#
# ledger/finance/payments-YYYY-YY.csv: the payments listing of the commissioner's office for
# a financial year, as its finance system saves it (config/finance-import.yaml reads it back).
# The service's cash rows of the ledger appear there one per reference, among the office's
# other payments, with the untidiness a real listing has (finance_system_mess).

FINANCE_SEED = 20250408  # the day the 2024/25 listing was run
RUN_TIME = "07:42"
LISTING_TITLE = "West Mercia Police and Crime Commissioner - Payments Listing (ILLUSTRATIVE SAMPLE)"
LISTING_HEADER = [
    "Payment Date",
    "Payment No",
    "Supplier No",
    "Supplier Name",
    "Reference",
    "Description",
    "Cost Centre",
    "Account",
    "Amount",
]
SERVICE_COST_CENTRE = "PF4410"  # the prevention fund cost centre that pays for the service
# The finance system's supplier number and account for each counterparty of the ledger.
SERVICE_SUPPLIERS = {PROVIDER: ("S100482", "5210"), EVALUATOR: ("S103317", "5320")}


@dataclass(frozen=True)
class ExportRow:
    """One payment of the listing; ``pence`` is negative for a credit note."""

    paid: date
    supplier_number: str
    supplier: str
    reference: str
    description: str
    cost_centre: str
    account: str
    pence: int


@dataclass(frozen=True)
class OtherSupplier:
    """A supplier of the office that is not this service, paid from ``low`` to ``high`` pounds."""

    number: str
    name: str
    description: str
    cost_centre: str
    account: str
    low: int
    high: int


# fmt: off
OTHER_SUPPLIERS = (
    OtherSupplier("S100117", "OFFICE SUPPLIES (SAMPLE) LTD", "Stationery and consumables",
                  "OP1100", "4410", 40, 600),
    OtherSupplier("S100233", "COUNTY FACILITIES SERVICES LTD", "Building maintenance",
                  "ES1200", "3110", 200, 4000),
    OtherSupplier("S100309", "VICTIM SUPPORT PROVIDER (SAMPLE)", "Victim services contract",
                  "VS2200", "5210", 20000, 45000),
    OtherSupplier("S100412", "COMMUNITY SAFETY PARTNERSHIP (SAMPLE)", "Community safety grant",
                  "CS3100", "5210", 5000, 15000),
    OtherSupplier("S100518", "IT MANAGED SERVICES (SAMPLE) LTD", "IT support and licences",
                  "OP1100", "4620", 800, 3000),
    # Another prevention fund project: the cost centre next to the service's, which the
    # mapping leaves out all the same.
    OtherSupplier("S100644", "YOUTH MENTORING CHARITY (SAMPLE)", "Mentoring project grant",
                  "PF4420", "5210", 3000, 9000),
    OtherSupplier("S100702", "STAFF EXPENSES", "Travel and subsistence claims",
                  "OP1100", "4810", 50, 400),
)
# fmt: on


def service_payments(ledger: Transactions) -> list[ExportRow]:
    """The ledger's cash rows (payments and refunds) as the finance system paid them.

    An invoice the ledger splits by area is one payment: the rows of a reference are summed,
    dated as the ledger dates them.
    """
    column = {name: index for index, name in enumerate(Transactions.HEADER)}
    payments: dict[str, ExportRow] = {}
    for row in ledger.rows:
        if row[column["kind"]] not in ("payment", "refund"):
            continue
        reference = row[column["reference"]]
        pence = int(Decimal(row[column["amount"]]) * 100)
        if reference in payments:
            payments[reference] = replace(
                payments[reference], pence=payments[reference].pence + pence
            )
            continue
        counterparty = row[column["counterparty"]]
        number, account = SERVICE_SUPPLIERS[counterparty]
        payments[reference] = ExportRow(
            paid=date.fromisoformat(row[column["date"]]),
            supplier_number=number,
            supplier=counterparty.upper().replace("'", ""),  # the finance system drops '
            reference=reference,
            description=row[column["description"]],
            cost_centre=SERVICE_COST_CENTRE,
            account=account,
            pence=pence,
        )
    return list(payments.values())


def other_payments(rng: random.Random, first: date) -> list[ExportRow]:
    """The office's other payments in the month starting ``first``: five to nine of them,
    about one in twenty a credit note, about one in ten without a reference."""
    rows = []
    for _ in range(rng.randint(5, 9)):
        supplier = rng.choice(OTHER_SUPPLIERS)
        pence = rng.randint(supplier.low * 100, supplier.high * 100)
        description = supplier.description
        if rng.random() < 0.05:  # a credit note for a tenth of an invoice, rounded up
            pence = -pence // 10
            description = f"Credit note - {description.lower()}"
        reference = "" if rng.random() >= 0.9 else f"INV{rng.randint(10000, 99999)}"
        rows.append(
            ExportRow(
                paid=payment_day(rng, first),
                supplier_number=supplier.number,
                supplier=supplier.name,
                reference=reference,
                description=description,
                cost_centre=supplier.cost_centre,
                account=supplier.account,
                pence=pence,
            )
        )
    return rows


def payment_day(rng: random.Random, first: date) -> date:
    """A weekday among the first 28 days of the month starting ``first``."""
    while True:
        day = first.replace(day=rng.randint(1, 28))
        if day.weekday() < 5:
            return day


def finance_system_mess(rows: list[ExportRow]) -> list[ExportRow]:
    """The differences from the ledger that a real listing has, kept on purpose so the
    shipped sample exercises reconcile's matching rules (docs/reconcile.md)."""
    rows = reference_in_lower_case(rows, "TCS-INV-202406")
    rows = reference_with_spaces(rows, "UNI-PO-4471-2")
    return credit_note_without_number(
        rows, "TCS-CN-0007", description="Credit note - sessional worker costs"
    )


def reference_in_lower_case(rows: list[ExportRow], reference: str) -> list[ExportRow]:
    """June 2024: the invoice number keyed in lower case (matched ignoring case)."""
    return [
        replace(row, reference=reference.lower()) if row.reference == reference else row
        for row in rows
    ]


def reference_with_spaces(rows: list[ExportRow], reference: str) -> list[ExportRow]:
    """October 2024: the order number keyed with a space either side (matched stripped)."""
    return [
        replace(row, reference=f" {reference} ") if row.reference == reference else row
        for row in rows
    ]


def credit_note_without_number(
    rows: list[ExportRow], reference: str, description: str
) -> list[ExportRow]:
    """November 2024: the credit note paid with the supplier's next payment on or after the
    ledger's date, without its number and with the finance system's own text (matched by
    amount within the date window)."""
    [credit] = [row for row in rows if row.reference == reference]
    next_payment = min(
        row.paid
        for row in rows
        if row.supplier_number == credit.supplier_number
        and row.pence > 0
        and row.paid >= credit.paid
    )
    banked = replace(credit, paid=next_payment, reference="", description=description)
    return [banked if row is credit else row for row in rows]


def payments_listings(ledger: Transactions, rng: random.Random) -> dict[str, list[list[str]]]:
    """The listing of each financial year of the contract, by file name."""
    first_year = START.year - (START.month < 4)
    last_year = END.year - (END.month < 4)
    rows = finance_system_mess(service_payments(ledger))
    for first in months(date(first_year, 4, 1), date(last_year + 1, 3, 31)):
        rows += other_payments(rng, first)
    listings = {}
    for year in range(first_year, last_year + 1):
        start, end = date(year, 4, 1), date(year + 1, 3, 31)
        in_year = [row for row in rows if start <= row.paid <= end]
        listings[f"payments-{year}-{(year + 1) % 100:02d}.csv"] = payments_listing(
            start, end, in_year
        )
    return listings


def payments_listing(start: date, end: date, rows: list[ExportRow]) -> list[list[str]]:
    """The lines of one listing: two title rows, the header, the payments by date and
    supplier, each numbered within its payment run, a blank line and the report total."""
    ran = end + timedelta(days=8)
    lines = [
        [LISTING_TITLE] + [""] * 8,
        [f"Payment dates {start:%d/%m/%Y} to {end:%d/%m/%Y}; run {ran:%d/%m/%Y} {RUN_TIME}"]
        + [""] * 8,
        LISTING_HEADER,
    ]
    run_sizes: dict[date, int] = {}
    for row in sorted(rows, key=lambda row: (row.paid, row.supplier_number, row.reference)):
        run_sizes[row.paid] = run_sizes.get(row.paid, 0) + 1
        lines.append(
            [
                f"{row.paid:%d/%m/%Y}",
                f"BACS{row.paid:%y%m%d}-{run_sizes[row.paid]:03d}",
                row.supplier_number,
                row.supplier,
                row.reference,
                row.description,
                row.cost_centre,
                row.account,
                finance_amount(row.pence),
            ]
        )
    lines.append([""] * 9)
    lines.append(["Report total"] + [""] * 7 + [finance_amount(sum(row.pence for row in rows))])
    return lines


def finance_amount(pence: int) -> str:
    """An amount as the finance system writes it: £1,234.50, a credit as (£1,234.50)."""
    text = f"£{abs(pence) // 100:,}.{abs(pence) % 100:02d}"
    return f"({text})" if pence < 0 else text


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """A canonical ledger file: UTF-8, LF line ends."""
    write_lines(path, [header, *rows], encoding="utf-8", line_end="\n")


def write_lines(path: Path, lines: list[list[str]], encoding: str, line_end: str) -> None:
    """Write CSV ``lines`` atomically: a temporary file beside ``path``, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    with temporary.open("w", newline="", encoding=encoding) as handle:
        csv.writer(handle, lineterminator=line_end).writerows(lines)
    temporary.replace(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-C", "--dir", type=Path, default=Path("."), help="workspace folder")
    root = parser.parse_args().dir
    contract = yaml.safe_load((root / "ledger/contract.yaml").read_text(encoding="utf-8"))
    measures = [m["id"] for m in contract["outcome_framework"]["measures"] if not m.get("derived")]
    rng = random.Random(SEED)

    ledger = Transactions()
    provider_payments(rng, contract, ledger)
    evaluation_payments(ledger)
    ledger.rows.sort(key=lambda row: (row[1], row[0]))
    write(root / "ledger/transactions.csv", Transactions.HEADER, ledger.rows)
    # The listings have a seed of their own, so the ledger's files do not change with them.
    for name, lines in payments_listings(ledger, random.Random(FINANCE_SEED)).items():
        write_lines(root / "ledger/finance" / name, lines, encoding="windows-1252", line_end="\r\n")

    write(
        root / "ledger/outcomes.csv",
        [
            "episode_id",
            "cyp_ref",
            "area",
            "referral_date",
            "referral_source",
            "age_at_referral",
            "pathway",
            "status",
            "start_date",
            "end_date",
            *measures,
            *EQUALITY_COLUMNS,
        ],
        episodes(rng, measures),
    )
    write(
        root / "ledger/workshops.csv",
        [
            "session_id",
            "date",
            "area",
            "kind",
            "cyp_attendees",
            "parent_attendees",
            "professional_attendees",
        ],
        workshops(rng),
    )


if __name__ == "__main__":
    main()
