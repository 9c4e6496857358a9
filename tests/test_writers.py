"""Every writer under attack: outputs aimed at the ledger, at devices, pipes and folders;
two month-end commands at once; a kill at a random moment; a full disk; a folder the
user may not write. Whatever happens, each file holds its old content or its new, and an
input file is never touched by an output."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from helpers import run_cli, run_unprivileged

AS_OF = "2025-03-31"

# Every command that writes a file of its own through --out, with a target name.
FILE_OUTPUTS = [
    ("check", "--format", "json"),
    ("burndown", "--as-of", AS_OF, "--format", "json"),
    ("areas", "--as-of", AS_OF, "--format", "csv"),
    ("outcomes", "--as-of", AS_OF, "--format", "markdown"),
    ("vfm", "--as-of", AS_OF, "--format", "json"),
    ("report", "--as-of", AS_OF, "--format", "markdown"),
    ("export", "journal", "--as-of", AS_OF),
    ("export", "xlsx", "--as-of", AS_OF),
]
NAMES = [" ".join(args[:2]) if args[0] == "export" else args[0] for args in FILE_OUTPUTS]


def digests(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root``: what 'untouched' means."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def aimed_at(args: tuple[str, ...], target: Path | str) -> list[str]:
    """The command line with --out ``target`` (an xlsx export needs the suffix)."""
    return [*args, "--out", str(target)]


# --------------------------------------------------------------- outputs never hit inputs


@pytest.mark.slow  # a whole report per output
@pytest.mark.parametrize("args", FILE_OUTPUTS, ids=NAMES)
def test_out_at_a_ledger_file_is_refused(shipped: Path, args: tuple[str, ...]) -> None:
    before = digests(shipped)
    target = "ledger/contract.xlsx" if "xlsx" in args else "ledger/transactions.csv"
    code, _, err = run_cli("-C", str(shipped), *aimed_at(args, shipped / target))
    assert code == 2, err
    assert "refusing to write" in err
    assert digests(shipped) == before


@pytest.mark.slow  # a whole report per output
@pytest.mark.parametrize("args", FILE_OUTPUTS, ids=NAMES)
def test_out_through_a_symlinked_ledger_folder_is_refused(
    tmp_path: Path, shipped: Path, args: tuple[str, ...]
) -> None:
    """The ledger lives elsewhere and the workspace links to it: the guard compares the
    resolved target with the resolved folder, so both spellings are refused."""
    real = tmp_path / "real-ledger"
    (shipped / "ledger").rename(real)
    (shipped / "ledger").symlink_to(real, target_is_directory=True)
    if "xlsx" in args:
        (real / "book.xlsx").write_bytes(b"not a workbook")
    name = "book.xlsx" if "xlsx" in args else "transactions.csv"
    before = digests(real)
    for target in (shipped / "ledger" / name, real / name):
        code, _, err = run_cli("-C", str(shipped), *aimed_at(args, target))
        assert code == 2, err
        assert "refusing to write" in err
    assert digests(real) == before


def test_out_through_a_symlinked_config_folder_is_refused(tmp_path: Path, shipped: Path) -> None:
    real = tmp_path / "real-config"
    (shipped / "config").rename(real)
    (shipped / "config").symlink_to(real, target_is_directory=True)
    before = digests(real)
    code, _, err = run_cli(
        "-C", str(shipped), "burndown", "--format", "json", "--out", str(real / "areas.yaml")
    )
    assert code == 2
    assert "refusing to write" in err
    assert digests(real) == before


def test_a_symlink_named_as_the_output_that_points_into_the_ledger_is_refused(
    tmp_path: Path, shipped: Path
) -> None:
    link = tmp_path / "report.json"
    link.symlink_to(shipped / "ledger" / "transactions.csv")
    before = digests(shipped)
    code, _, err = run_cli("-C", str(shipped), "check", "-f", "json", "--out", str(link))
    assert code == 2
    assert "refusing to write" in err
    assert digests(shipped) == before


def test_export_csv_into_the_ledger_through_dot_dot_is_refused(
    tmp_path: Path, shipped: Path
) -> None:
    before = digests(shipped)
    sneaky = shipped / "out" / ".." / "ledger"
    code, _, err = run_cli("-C", str(shipped), "export", "csv", "--out", str(sneaky))
    assert code == 2
    assert "refusing to write" in err
    assert digests(shipped) == before


# --------------------------------------------------------------- devices, pipes, folders


def device(folder: Path, name: str, minor: int) -> Path:
    """A private copy of a memory device (1, 3 is null; 1, 7 is full), so a writer that
    wrongly replaced its target would replace this node, never the system's own."""
    path = folder / name
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    except PermissionError:
        pytest.skip("making a device node needs root (CI runs as root)")
    return path


@pytest.mark.parametrize("args", FILE_OUTPUTS, ids=NAMES)
def test_out_at_a_null_device_writes_through_and_keeps_the_device(
    tmp_path: Path, shipped: Path, args: tuple[str, ...]
) -> None:
    null = device(tmp_path, "null.xlsx" if "xlsx" in args else "null", 3)
    code, _, err = run_cli("-C", str(shipped), *aimed_at(args, null))
    assert code in (0, 1), err  # check's exit reflects the ledger, not the write
    assert stat.S_ISCHR(os.stat(null).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == [null.name, "ws"]


@pytest.mark.parametrize("args", FILE_OUTPUTS, ids=NAMES)
def test_out_at_a_full_disk_is_exit_2_no_space(
    tmp_path: Path, shipped: Path, args: tuple[str, ...]
) -> None:
    full = device(tmp_path, "full.xlsx" if "xlsx" in args else "full", 7)
    code, _, err = run_cli("-C", str(shipped), *aimed_at(args, full))
    assert code == 2
    assert f"cannot write {full}: no space left on device" in err
    assert "Traceback" not in err
    assert stat.S_ISCHR(os.stat(full).st_mode)


def test_out_at_a_named_pipe_streams_into_it(tmp_path: Path, shipped: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    code, _, err = run_cli("-C", str(shipped), "check", "-f", "json", "--out", str(fifo))
    reader.join(timeout=30)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received[0].startswith(b'{\n  "ok": true')


@pytest.mark.parametrize("args", FILE_OUTPUTS, ids=NAMES)
def test_out_at_a_folder_is_exit_2(tmp_path: Path, shipped: Path, args: tuple[str, ...]) -> None:
    folder = tmp_path / ("out.xlsx" if "xlsx" in args else "out")
    folder.mkdir()
    code, _, err = run_cli("-C", str(shipped), *aimed_at(args, folder))
    assert code == 2
    assert f"cannot write {folder}: it is a folder" in err
    assert "Traceback" not in err
    assert list(folder.iterdir()) == []


def test_out_below_a_file_is_exit_2(tmp_path: Path, shipped: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep\n")
    target = tmp_path / "notes.txt" / "report.json"
    code, _, err = run_cli("-C", str(shipped), "burndown", "-f", "json", "--out", str(target))
    assert code == 2
    assert "is not a folder" in err
    assert (tmp_path / "notes.txt").read_text() == "keep\n"


@pytest.mark.parametrize("command", ["burndown", "areas", "outcomes", "vfm", "report"])
def test_out_with_the_terminal_table_is_a_usage_error(
    tmp_path: Path, shipped: Path, command: str
) -> None:
    """The table is drawn for a terminal (internal figures, under a banner): it is never
    quietly printed while the file asked for is not written."""
    target = tmp_path / "out.txt"
    code, out, err = run_cli("-C", str(shipped), command, "--as-of", AS_OF, "--out", str(target))
    assert code == 2
    assert out == ""
    assert "--out writes a file: give --format json, csv or markdown with it" in err
    assert not target.exists()


# --------------------------------------------------------------- a folder we may not write


@pytest.mark.slow  # processes of their own
@pytest.mark.parametrize(
    "args",
    [
        ("check", "-f", "json"),
        ("report", "--as-of", AS_OF, "-f", "markdown"),
        ("export", "xlsx", "--as-of", AS_OF),
    ],
    ids=["check", "report", "export xlsx"],
)
def test_out_in_a_read_only_folder_is_exit_2_and_writes_nothing(
    shipped: Path, args: tuple[str, ...]
) -> None:
    folder = shipped / "returns"
    folder.mkdir()
    (folder / "old.xlsx").write_bytes(b"old")
    folder.chmod(0o555)
    target = folder / "old.xlsx"
    done = run_unprivileged("-C", str(shipped), *args, "--out", str(target))
    assert done.returncode == 2, done.stderr
    assert f"cannot write {target}: permission denied" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["old.xlsx"]
    assert target.read_bytes() == b"old"


# --------------------------------------------------------------- month end under stress


def spawn(root: Path, *args: str) -> subprocess.Popen[str]:
    """``svdiversion -C ROOT ARGS`` as its own process, started now, output captured."""
    return subprocess.Popen(
        [sys.executable, "-m", "svdiversion", "-C", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SVDIVERSION_USER": "tester"},
    )


def _closes(root: Path) -> list[dict[str, object]]:
    text = (root / "ledger" / "closes.yaml").read_text()
    return list(yaml.safe_load(text)["closes"] or [])


@pytest.mark.slow  # processes of their own
def test_two_closes_at_once_both_land(shipped: Path) -> None:
    """Each try starts two closes of different months together; the ledger lock makes the
    second wait for the first, so neither record is lost."""
    months = ["2024-06", "2024-07", "2024-08", "2024-09", "2024-10", "2024-11"]
    for first, second in zip(months[::2], months[1::2], strict=True):
        runs = [spawn(shipped, "close", "--month", m) for m in (first, second)]
        for run in runs:
            _, err = run.communicate(timeout=60)
            assert run.returncode == 0, err
    assert sorted(str(r["month"]) for r in _closes(shipped)) == months
    code, _, err = run_cli("-C", str(shipped), "check", "--as-of", AS_OF)
    assert code == 0, err


@pytest.mark.slow  # processes of their own
def test_the_same_month_closed_twice_at_once_is_recorded_once(shipped: Path) -> None:
    env = {**os.environ, "SVDIVERSION_USER": "tester"}
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "svdiversion",
                "-C",
                str(shipped),
                "close",
                "--month",
                "2024-09",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    codes = sorted(run.wait(timeout=60) for run in runs)
    assert codes == [0, 1]
    assert [r["month"] for r in _closes(shipped)] == ["2024-09"]


def test_an_empty_closes_list_is_valid_and_can_be_appended_to(shipped: Path) -> None:
    (shipped / "ledger" / "closes.yaml").write_text("# closes\ncloses: []\n")
    code, _, err = run_cli("-C", str(shipped), "check", "--as-of", AS_OF)
    assert code == 0, err
    code, _, err = run_cli("-C", str(shipped), "close", "--month", "2024-09", "--by", "T")
    assert code == 0, err
    text = (shipped / "ledger" / "closes.yaml").read_text()
    assert text.startswith('# closes\ncloses:\n  - action: "close"\n')
    assert [r["month"] for r in _closes(shipped)] == ["2024-09"]


@pytest.mark.slow  # processes of their own
@pytest.mark.parametrize("seed", range(6))
def test_a_close_killed_at_a_random_moment_leaves_old_or_new(shipped: Path, seed: int) -> None:
    """kill -9 anywhere in a close: closes.yaml is the old file or the old one plus the
    record, and it reads back; the lock dies with the process, so the next close runs."""
    code, _, _ = run_cli("-C", str(shipped), "close", "--month", "2024-08", "--by", "T")
    assert code == 0
    path = shipped / "ledger" / "closes.yaml"
    old = path.read_bytes()
    run = spawn(shipped, "close", "--month", "2024-09")
    time.sleep(random.Random(seed).uniform(0.05, 0.8))
    run.send_signal(signal.SIGKILL)
    run.communicate()
    new = path.read_bytes()
    assert new == old or (new.startswith(old) and len(_closes(shipped)) == 2)
    code, _, err = run_cli("-C", str(shipped), "close", "--month", "2024-10", "--by", "T")
    assert code == 0, err
    assert [r["month"] for r in _closes(shipped)][-1] == "2024-10"


@pytest.mark.slow  # processes of their own
@pytest.mark.parametrize("seed", range(3))
def test_an_export_killed_at_a_random_moment_leaves_old_or_new(
    tmp_path: Path, shipped: Path, seed: int
) -> None:
    target = tmp_path / "return.xlsx"
    target.write_bytes(b"old")
    run = spawn(shipped, "export", "xlsx", "--as-of", AS_OF, "--out", str(target))
    time.sleep(random.Random(seed).uniform(0.1, 1.5))
    run.send_signal(signal.SIGKILL)
    run.communicate()
    data = target.read_bytes()
    assert data == b"old" or data.startswith(b"PK\x03\x04")
    if data != b"old":
        import zipfile

        with zipfile.ZipFile(target) as book:
            assert book.testzip() is None
