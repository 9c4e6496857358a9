"""One output path for every command: the ``--out`` options, the guard, the writer.

Data goes to stdout unless ``--out`` names a target. A target passes
:mod:`svdiversion.outputs` (never a ledger or config file, resolved on both sides; never
a folder where a file is wanted), then is written atomically (a device or pipe is written
through). Any refusal or write failure is exit 2 with the reason and what to do, and no
traceback; whatever happens, the old content of the target or the new, never half.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Annotated, BinaryIO, NoReturn

import typer

from ..atomic import atomic_writer
from ..outputs import OutputRefused, describe_os_error, output_file, output_folder
from .common import EXIT_USAGE, fail, workspace_root

OutFile = Annotated[
    Path | None,
    typer.Option(
        "--out", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout."
    ),
]
WorkbookOut = Annotated[
    Path, typer.Option("--out", "-o", metavar="FILE", help="The workbook to write (.xlsx).")
]
FolderOut = Annotated[
    Path,
    typer.Option("--out", "-o", metavar="DIR", help="The folder to write one file per table into."),
]


def emit(
    ctx: typer.Context, data: str | bytes, out: Path | None, example: str, what: str = "it"
) -> None:
    """``data`` to stdout, or to the file ``out`` through the guard."""
    emit_chunks(ctx, out, [data], example, what=what)


def emit_chunks(
    ctx: typer.Context,
    out: Path | None,
    chunks: Iterable[str | bytes],
    example: str,
    written: Callable[[], None] = lambda: None,
    what: str = "it",
) -> None:
    """Each chunk to stdout (``out`` None or ``-``) or to the file ``out``, streamed so a
    long export is never held whole; ``written`` is called after each chunk."""
    if out is None or str(out) == "-":
        for chunk in chunks:
            if isinstance(chunk, bytes):
                sys.stdout.flush()
                sys.stdout.buffer.write(chunk)
            else:
                sys.stdout.write(chunk)
            written()
        return
    target = file_target(ctx, out, example, what)
    try:
        with atomic_writer(target) as stream:
            for chunk in chunks:
                stream.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
                written()
    except OSError as exc:
        _cannot_write(out, exc)


def emit_file(
    ctx: typer.Context,
    out: Path,
    write: Callable[[BinaryIO], None],
    example: str,
    what: str = "it",
) -> None:
    """What ``write`` writes to a stream, into the file ``out`` through the guard: for a
    file format (a workbook) that is made straight into its file rather than in memory."""
    target = file_target(ctx, out, example, what)
    try:
        with atomic_writer(target) as stream:
            write(stream)
    except OSError as exc:
        _cannot_write(out, exc)


def write_into(folder: Path, out: Path, files: Mapping[str, str | bytes]) -> None:
    """Each ``name -> text or bytes`` into ``folder`` (made if missing), each file
    atomically."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            with atomic_writer(folder / name) as stream:
                stream.write(data.encode("utf-8") if isinstance(data, str) else data)
    except OSError as exc:
        _cannot_write(out, exc)


def file_target(ctx: typer.Context, out: Path, example: str, what: str = "it") -> Path:
    """The resolved file ``out`` stands for, or exit 2 saying why it may not be written."""
    try:
        return output_file(workspace_root(ctx), out, example, what)
    except OutputRefused as exc:
        fail(exc.message, exc.hint)


def folder_target(ctx: typer.Context, out: Path, example: str, what: str = "it") -> Path:
    """The resolved folder ``out`` stands for, or exit 2 saying why it may not be used."""
    try:
        return output_folder(workspace_root(ctx), out, example, what)
    except OutputRefused as exc:
        fail(exc.message, exc.hint)


def _cannot_write(out: Path, exc: OSError) -> NoReturn:
    fail(
        f"cannot write {out}: {describe_os_error(exc)}",
        "check the folder exists, is writable and has space; a file keeps its old content",
        EXIT_USAGE,
    )
