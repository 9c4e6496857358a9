"""Make the shipped workspace's ILLUSTRATIVE activity: transactions, episodes, workshops.

Deterministic (a fixed seed), so the files can be regenerated and reviewed as a diff:

    python scripts/make_sample.py            # rewrites ledger/*.csv in this workspace
    python scripts/make_sample.py -C DIR     # ... in another workspace

No real child's data: every reference, age and date here is made up. The contract facts
(ledger/contract.yaml) are written by hand and read, not changed, by this script.
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Iterator
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
# Delivery ramps up over the first months (mobilisation), then runs close to profile.
MOBILISATION = [Decimal("0.55"), Decimal("0.75"), Decimal("0.90")]


def months() -> Iterator[date]:
    day = START
    while day <= END:
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


def episodes(rng: random.Random, measures: list[str]) -> list[list[str]]:
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
            rate = MEASURE_RATES[measure] * (1 if status == "completed" else 0.5)
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


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    with temporary.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    temporary.replace(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-C", "--dir", type=Path, default=Path("."), help="workspace folder")
    root = parser.parse_args().dir
    contract = yaml.safe_load((root / "ledger/contract.yaml").read_text(encoding="utf-8"))
    measures = [m["id"] for m in contract["outcome_framework"]["measures"]]
    rng = random.Random(SEED)

    ledger = Transactions()
    provider_payments(rng, contract, ledger)
    evaluation_payments(ledger)
    ledger.rows.sort(key=lambda row: (row[1], row[0]))
    write(root / "ledger/transactions.csv", Transactions.HEADER, ledger.rows)

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
