"""A published trend chart shows only signals the internal (exact) chart has at the same
point: rounding can hide a signal, never make one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import run_cli

REPO = Path(__file__).resolve().parent.parent


def signals(root: Path, disclosure: str, as_of: str) -> dict[tuple[str, str], set[str]]:
    code, out, err = run_cli(
        "-C", str(root), "trends", "--as-of", as_of, "--disclosure", disclosure,
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    document = json.loads(out)
    return {
        (series["id"], point["month"]): set(point["signals"])
        for series in document["series"]
        for point in series["points"]
    }


@pytest.mark.parametrize(
    "as_of",
    [
        pytest.param("2024-03-31", marks=pytest.mark.slow),
        pytest.param("2024-09-30", marks=pytest.mark.slow),
        "2025-03-31",
    ],
)
def test_every_published_signal_is_an_internal_one(as_of: str) -> None:
    published = signals(REPO, "published", as_of)
    internal = signals(REPO, "internal", as_of)
    extra = {key: found - internal.get(key, set()) for key, found in published.items()}
    assert {key: found for key, found in extra.items() if found} == {}
    if as_of == "2025-03-31":
        assert any(published.values())  # the charts still show the real signals


@pytest.mark.slow
def test_a_generated_services_published_signals_are_internal_ones(tmp_path: Path) -> None:
    root = tmp_path / "service"
    code, _, err = run_cli(
        "generate", str(root), "--episodes", "3000", "--transactions", "300", "--seed", "4"
    )
    assert code == 0, err
    published = signals(root, "published", "2026-03-31")
    internal = signals(root, "internal", "2026-03-31")
    assert all(found <= internal.get(key, set()) for key, found in published.items())
