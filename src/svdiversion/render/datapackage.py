"""The evaluation extract as files: CSV tables, a Frictionless ``datapackage.json`` and a
README that says what the files are, what was generalised and withheld, and the
SHA-256 of every other file (docs/evaluation.md).

CSV: UTF-8, comma-separated, a header row of field names, ``\\n`` line ends, an empty
value for a missing one; text a spreadsheet would run as a formula gets a leading
apostrophe (the schema's enums say the same).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..evaluation.anonymity import best_by_period
from ..evaluation.extract import Extract, Resource
from ..reports.disclosure import Cell, protect_list, round_count
from .cells import CsvWriter, inert

DESCRIPTOR = "datapackage.json"
README = "README.md"
NAMES = {
    "area": "area",
    "age": "age",
    "referral_period": "referral period",
    "referral_source": "referral source",
    "pathway": "pathway",
    "sex": "sex",
    "ethnicity": "ethnicity",
    "care_experienced": "care experience",
    "send": "SEND",
}


@dataclass(frozen=True, slots=True)
class Share:
    """Who made the extract, for whom and why: written into the README."""

    made_at: datetime
    by: str
    recipient: str
    purpose: str


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def package_files(extract: Extract, share: Share) -> dict[str, bytes]:
    """File name -> bytes: the tables, ``datapackage.json`` and ``README.md``."""
    tables = {f"{r.name}.csv": table_csv(r) for r in extract.resources}
    descriptor = descriptor_json(extract, tables, share.made_at)
    files = {**tables, DESCRIPTOR: descriptor}
    files[README] = readme(extract, files, share).encode("utf-8")
    return files


def table_csv(resource: Resource) -> bytes:
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    writer.writerow([field["name"] for field in resource.fields])
    for row in resource.rows:
        writer.writerow([_cell_text(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def _cell_text(value: object) -> object:
    """Booleans as ``true``/``false`` (what the Table Schema, pandas and DuckDB read as
    booleans); text made inert."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _inert(value) if isinstance(value, str) else value


def _inert(text: str) -> str:
    # Text starting with a letter or digit cannot be read as a formula: most values (keys,
    # ids, periods) skip the fuller test.
    return text if text[:1].isalnum() else inert(text)


def descriptor_json(extract: Extract, tables: dict[str, bytes], made_at: datetime) -> bytes:
    """A Tabular Data Package (Frictionless Data Package v1) with every file's digest."""
    package = {
        "profile": "tabular-data-package",
        "name": _slug(extract.service) + "-evaluation-extract",
        "title": f"{extract.service}: evaluation extract as of {extract.as_of}",
        "description": (
            f"{extract.marking}. Pseudonymised episode-level data for the independent "
            f"evaluation, k-anonymous (k = {extract.settings.k}) on "
            f"{_qi_words(extract)}; with spend and group sessions. Data dated on or "
            f"before {extract.as_of}. Not for publication: see README.md."
        ),
        "created": made_at.isoformat(),
        "resources": [_resource(r, tables[f"{r.name}.csv"]) for r in extract.resources],
    }
    return (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _resource(resource: Resource, data: bytes) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [_inert_enum(field) for field in resource.fields],
        "missingValues": [""],
    }
    if resource.primary_key:
        schema["primaryKey"] = list(resource.primary_key)
    return {
        "name": resource.name,
        "path": f"{resource.name}.csv",
        "profile": "tabular-data-resource",
        "title": resource.title,
        "description": resource.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": digest(data),
        "dialect": {"delimiter": ",", "header": True},
        "schema": schema,
    }


def _inert_enum(field: dict[str, Any]) -> dict[str, Any]:
    constraints = field.get("constraints", {})
    if "enum" not in constraints or field["type"] != "string":
        return field
    enum = [inert(value) for value in constraints["enum"]]
    return {**field, "constraints": {**constraints, "enum": enum}}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "service"


def _qi_words(extract: Extract) -> str:
    return ", ".join(NAMES[q] for q in extract.settings.quasi_identifiers)


# ------------------------------------------------------------------------------- README


def readme(extract: Extract, files: dict[str, bytes], share: Share) -> str:
    """What the extract is, for whom and why; each file with its digest; how the
    pseudonyms work; what was generalised and withheld; and what not to do with it."""
    lines = [
        *_about(extract, share),
        *_files_table(extract, files),
        *_loading(extract),
        *_pseudonyms(extract),
        *_generalised(extract),
        *DISCLOSURE_NOTES,
    ]
    return "\n".join(lines)


def _about(extract: Extract, share: Share) -> list[str]:
    return [
        f"# {extract.service}: evaluation extract as of {extract.as_of}",
        "",
        f"**{extract.marking}. Not for publication.** Pseudonymised episode-level data for "
        "the independent evaluation, shared under the data-sharing agreement. Do not try "
        "to identify any child, do not link it with data that could, and publish nothing "
        "from it without disclosure control (below).",
        "",
        "| | |",
        "| --- | --- |",
        f"| Recipient | {_cell(share.recipient)} |",
        f"| Purpose | {_cell(share.purpose)} |",
        f"| Made | {share.made_at.isoformat()} by {_cell(share.by)} |",
        f"| Data | dated on or before {extract.as_of} |",
        f"| Pseudonym key | key id `{extract.key_id}` (the commissioner holds the key) |",
        "",
    ]


def _files_table(extract: Extract, files: dict[str, bytes]) -> list[str]:
    rows = {f"{r.name}.csv": len(r.rows) for r in extract.resources}
    about = {f"{r.name}.csv": r.description for r in extract.resources}
    about[DESCRIPTOR] = (
        "The data dictionary: a Frictionless Data Package with a Table Schema for every "
        "table (types, formats, constraints, allowed values, descriptions)"
    )
    lines = [
        "## Files",
        "",
        "| File | Rows | What | SHA-256 |",
        "| --- | ---: | --- | --- |",
    ]
    for name, data in files.items():
        count = str(rows[name]) if name in rows else ""
        lines.append(f"| `{name}` | {count} | {about[name]} | `{digest(data)}` |")
    return [
        *lines,
        "",
        "The tables are UTF-8 CSV with a header row; an empty value is missing. Check "
        "them against the dictionary with any Frictionless tool, e.g. "
        "`frictionless validate datapackage.json` (it also checks every file's size and "
        "digest). This README's own digest is in the commissioner's record of shares.",
        "",
    ]


def _pseudonyms(extract: Extract) -> list[str]:
    return [
        "## Pseudonyms",
        "",
        "`person_key` and `episode_key` are HMAC-SHA256 pseudonyms of the provider's "
        "references under a secret key the commissioner holds. Extracts made with the "
        f"same key (key id `{extract.key_id}`) give a child and an episode the same keys, "
        "so they can be followed from one extract to the next; without the key, a "
        "pseudonym cannot be turned back into a reference. No provider reference is in "
        "any file. Rows are in the order of `episode_key`, which carries no meaning.",
        "",
    ]


def _generalised(extract: Extract) -> list[str]:
    settings = extract.settings
    limit = (settings.max_withheld * 100).normalize()
    return [
        "## What was generalised and withheld",
        "",
        f"Quasi-identifiers (what an outsider might know about a child): "
        f"{_qi_words(extract)}. Every combination of them in `episodes.csv` (an "
        f"equivalence class) is shared by at least **k = {settings.k}** episodes, and in "
        "none do all the episodes share a status, or all enter the criminal justice "
        "system (l-diversity). Every way of generalising them was tried: referral "
        "periods by month, financial quarter, half-year, year or withheld; ages in years, "
        "bands or withheld; referral sources as given, the rarer ones recoded as "
        "`other`, or withheld. Information lost counts how far up that list each "
        "quasi-identifier is (0 to 1; the period twice, as without time nothing can be "
        "followed up). The level used loses least among those withholding at most "
        f"{limit:f}% of the episodes. For each level of the period, the way of "
        "generalising that withholds fewest, and the one used, with the episodes each "
        "would withhold (rounded to the nearest "
        f"{extract.policy.round_to}; {extract.policy.suppressed_symbol} is 1 to "
        f"{extract.policy.suppress_below - 1}):",
        "",
        "| Information lost | Generalisation | In classes under k | In classes not l-diverse | |",
        "| ---: | --- | ---: | ---: | --- |",
        *_attempt_rows(extract),
        "",
        f"Used: **{extract.generalisation}**. The start and end periods are generalised "
        "like the referral period. Days between referrals and the re-referral flag were "
        "worked out on the exact dates before anything was generalised.",
        "",
        *_withheld(extract),
    ]


def _withheld(extract: Extract) -> list[str]:
    """The episodes withheld in total and by status, area, source and age band, each
    table under the published tables' rules (no exact count a published table hides)."""
    policy = extract.policy
    tables = []
    total: Cell = 0
    for name, counts in extract.withheld_by:
        cells, total = protect_list([n for _, n in counts], policy)
        tables += [
            f"| {name.capitalize()} | Withheld |",
            "| --- | ---: |",
            *(
                f"| {category} | {cell} |"
                for (category, _), cell in zip(counts, cells, strict=True)
            ),
            f"| **Total** | **{total}** |",
            "",
        ]
    return [
        "### Withheld",
        "",
        f"Withheld: **{total}** episodes referred by {extract.as_of} (rounded to the nearest "
        f"{policy.round_to}); they are not in `episodes.csv`. `spend.csv` and "
        "`workshops.csv` are complete. Control totals of the episodes withheld, for "
        "reweighting, under the commissioner's rules for published tables (counts of 1 to "
        f"{policy.suppress_below - 1} shown as {policy.suppressed_symbol}, others rounded to "
        f"the nearest {policy.round_to}, a further cell hidden where the total would reveal "
        "one), so that they and the published tables together give no exact count either "
        "hides:",
        "",
        *tables,
    ]


def _loading(extract: Extract) -> list[str]:
    """A snippet that loads the tables with their types in pandas and DuckDB (the tests
    run it on an extract)."""
    episodes = next(r for r in extract.resources if r.name == "episodes")
    measure = next(
        (
            f["name"]
            for f in episodes.fields
            if f["type"] == "boolean" and f["name"] != "rereferred_within_365"
        ),
        None,
    )
    lines: list[str] = list(LOADING)
    if measure is not None:
        lines[-3:-3] = [
            "completed = duckdb.sql(",
            f'    "SELECT area, count(*) AS completed, sum({measure}::int) AS {measure} "',
            "    \"FROM read_csv('episodes.csv') WHERE status = 'completed' "
            'GROUP BY area ORDER BY area"',
            ").df()",
        ]
    return lines


LOADING = (
    "## Loading",
    "",
    "Outcomes are `true`/`false`, counts and days are integers, and an empty value is "
    "missing, so the tables load with their types. In Python, from this folder, with "
    "the types the data dictionary gives (pandas) or as DuckDB detects them:",
    "",
    "```python",
    "import json",
    "",
    "import duckdb",
    "import pandas as pd",
    "",
    'package = json.load(open("datapackage.json", encoding="utf-8"))',
    'dtypes = {"boolean": "boolean", "integer": "Int64", "number": "float64"}',
    "",
    "",
    "def table(name):",
    '    resource = next(r for r in package["resources"] if r["name"] == name)',
    '    fields = resource["schema"]["fields"]',
    '    types = {f["name"]: dtypes.get(f["type"], "string") for f in fields}',
    '    return pd.read_csv(resource["path"], dtype=types, keep_default_na=False, na_values=[""])',
    "",
    "",
    'episodes = table("episodes")',
    'spend = table("spend")',
    "```",
    "",
)


DISCLOSURE_NOTES = (
    "## Disclosure notes",
    "",
    "- The figures are exact, not published statistics. Before publishing anything "
    "made from them, apply the commissioner's disclosure rules (suppress counts of 1 "
    "to 4, round others to the nearest 5, no rate on fewer than 20, and hide a further "
    "cell where a total would reveal a hidden one).",
    "- k-anonymity holds within this extract. Extracts of other dates made with the "
    "same key link to this one through the pseudonyms and may be generalised "
    "differently: keep them together, under the same agreement, and never combine "
    "them to narrow a child down.",
    "- Outcomes are assessed when an episode ends: they are empty for episodes that "
    "had not ended by the as-of date.",
    "",
)


def _attempt_rows(extract: Extract) -> list[str]:
    anonymised, policy = extract.anonymised, extract.policy
    used = anonymised.level
    bands, ranking = extract.settings.age_bands, anonymised.ranking
    return [
        f"| {_loss(attempt.loss)} | {attempt.level.describe(bands, ranking)} | "
        f"{round_count(attempt.under_k, policy)} | {round_count(attempt.not_diverse, policy)} | "
        f"{'used' if attempt.level == used else ''} |"
        for attempt in best_by_period(anonymised)
    ]


def _loss(loss: Fraction) -> str:
    return f"{Decimal(loss.numerator) / Decimal(loss.denominator):.2f}"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
