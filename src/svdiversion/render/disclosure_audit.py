"""``disclosure-audit`` as plain text for a person, or JSON for CI (docs/disclosure.md)."""

from __future__ import annotations

from typing import Any

from ..reports.audit.exposures import Exposure
from ..reports.audit.report import AuditReport, Derived
from .json_reports import dumps


def audit_text(report: AuditReport) -> str:
    lines = [
        f"Disclosure audit of every published release to {report.as_of}",
        f"  {len(report.releases)} period-end releases attacked together; "
        f"a hidden count must keep at least {report.protection_interval} possible values",
        f"  {report.windows} windows (months, quarters, years) checked to be the "
        "differences of the releases at their ends",
        "",
    ]
    if report.narrowest:
        lines.append("What an adversary holding every release derives of the hidden counts")
        lines.append("closest to being known (release, cell, possible true values):")
        lines += [f"  {_derived(d)}" for d in report.narrowest]
        lines.append("")
    for label in report.not_differences:
        lines.append(f"EXPOSED: the window {label} is not the difference of its releases")
    for exposure in report.exposed:
        lines.append(f"EXPOSED: {_exposure(exposure)}")
    if report.safe:
        lines.append("No hidden count is exposed.")
    else:
        lines.append(
            f"{len(report.exposed) + len(report.not_differences)} exposed: do not publish; "
            "see docs/disclosure.md"
        )
    return "\n".join(lines) + "\n"


def audit_json(report: AuditReport) -> str:
    document: dict[str, Any] = {
        "as_of": report.as_of.isoformat(),
        "protection_interval": report.protection_interval,
        "safe": report.safe,
        "releases": [
            {
                "as_of": r.as_of.isoformat(),
                "cells": r.cells,
                "hidden": r.hidden,
                "rounded": r.rounded,
            }
            for r in report.releases
        ],
        "windows_checked": report.windows,
        "windows_not_differences": list(report.not_differences),
        "narrowest": [
            {"release": d.release.isoformat(), "cell": list(d.what), **_range(d.range)}
            for d in report.narrowest
        ],
        "exposed": [
            {
                "release": e.release,
                "cell": list(e.what),
                "shown": e.shown,
                "change": e.derived,
                **_range(e.range),
            }
            for e in report.exposed
        ],
    }
    return dumps(document)


def _range(found: Any) -> dict[str, Any]:
    return {"low": found.lo, "high": None if str(found).endswith("+") else found.hi}


def _derived(derived: Derived) -> str:
    return f"{derived.release}  {_name(derived.what)}  {derived.range}"


def _exposure(exposure: Exposure) -> str:
    what = _name(exposure.what)
    if exposure.derived:
        return f"the change to {exposure.release} in {what} is {exposure.range}"
    return f"{exposure.release}: {what}, shown {exposure.shown}, is {exposure.range}"


def _name(key: tuple[str, ...]) -> str:
    return " / ".join(key)
