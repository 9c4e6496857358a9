"""Atomic writes: all or nothing, and files people can share."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from svdiversion import atomic
from svdiversion.atomic import write_atomic


def test_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "out" / "return.csv", "a,b\n")
    finally:
        os.umask(umask)
    written = tmp_path / "out" / "return.csv"
    assert written.read_text() == "a,b\n"
    assert stat.S_IMODE(written.stat().st_mode) == 0o644


def test_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "pack.md"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_an_interrupted_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "closes.yaml"
    target.write_text("old\n")

    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "new\n")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["closes.yaml"]
