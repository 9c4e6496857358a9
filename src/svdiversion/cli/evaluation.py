"""``svdiversion export evaluation``: the evaluator's pseudonymised, k-anonymous extract.

The order matters: everything that can be refused (the key, the options, the folder, the
ledger, the settings, too many episodes withheld) is refused before a byte is written.
The files are then written into a staging folder beside ``--out`` (``.NAME.*.partial``),
the share is recorded in ``ledger/shares.yaml`` under the ledger lock, and only then is
the staging folder renamed to ``--out``. If the record cannot be made the staging folder
is removed; if the command is killed before the record, what is left is a ``.partial``
folder, never an extract, so no extract is left without its record.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from ..atomic import write_atomic
from ..clock import now, today
from ..core.models import EvaluationSettings, QuasiIdentifier
from ..evaluation.pseudonyms import ENV_KEY, KeyRefused, Pseudonyms, key_from
from ..lock import LockUnavailable, ledger_lock
from ..outputs import describe_os_error
from .common import EXIT_PROBLEMS, EXIT_USAGE, AsOf, fail, workspace_root
from .output import FolderOut, folder_target
from .report_options import report_ledger
from .state import state

if TYPE_CHECKING:
    from ..evaluation.extract import Extract

KNOWN_QUASI_IDENTIFIERS: tuple[str, ...] = QuasiIdentifier.__args__  # type: ignore[attr-defined]
KEY_HINT = (
    f"give --key-file FILE or set {ENV_KEY}; make a key once with e.g. "
    "'(umask 077; openssl rand -hex 32 > evaluation.key)', keep it outside the workspace, "
    "readable by you alone, and use the same key for every extract"
)
PRIVATE = stat.S_IRWXG | stat.S_IRWXO
"""A key file with any of these permission bits is refused: others could read the key."""
BY_HINT = (
    'say who makes the share with --by NAME (e.g. --by "A. Analyst"), or set '
    "SVDIVERSION_USER; it is written in ledger/shares.yaml"
)

MAX_KEY_FILE_BYTES = 4096
"""A key is 32 bytes or more; a file far longer is the wrong file (or /dev/zero)."""


Recipient = Annotated[
    str,
    typer.Option("--recipient", metavar="TEXT", help="Who receives the extract."),
]
Purpose = Annotated[
    str,
    typer.Option("--purpose", metavar="TEXT", help="What it is shared for."),
]
KeyFile = Annotated[
    Path | None,
    typer.Option(
        "--key-file",
        metavar="FILE",
        help=f"The pseudonym key (at least 32 bytes), kept outside the workspace. "
        f"Default: the {ENV_KEY} environment variable.",
    ),
]
By = Annotated[
    str | None,
    typer.Option(
        "--by", metavar="NAME", help="Who makes the share. Default: $SVDIVERSION_USER, $USER."
    ),
]
K = Annotated[
    int | None,
    typer.Option(
        "--k",
        metavar="N",
        help="Each combination of quasi-identifiers is shared by at least N episodes "
        "(at least 2). Default: evaluation.k in config/settings.yaml (5).",
    ),
]
QuasiIdentifiers = Annotated[
    str | None,
    typer.Option(
        "--quasi-identifiers",
        metavar="LIST",
        help="Comma-separated, from: " + ", ".join(KNOWN_QUASI_IDENTIFIERS) + ". "
        "Default: evaluation.quasi_identifiers in config/settings.yaml "
        "(area,age,referral_period,referral_source).",
    ),
]
AllowWithheld = Annotated[
    bool,
    typer.Option(
        "--allow-withheld",
        help="Make the extract even when it withholds more than evaluation.max_withheld "
        "of the episodes (the README says how many, and of which kinds).",
    ),
]


@dataclass(frozen=True, slots=True)
class _Request:
    """What was asked for, checked before anything is read."""

    key: bytes
    wanted: dict[str, object]
    """Settings the options replace."""
    as_of: date | None
    by: str
    recipient: str
    purpose: str
    allow_withheld: bool = False


def evaluation_export(
    ctx: typer.Context,
    out: FolderOut,
    recipient: Recipient,
    purpose: Purpose,
    key_file: KeyFile = None,
    as_of: AsOf = None,
    by: By = None,
    k: K = None,
    quasi_identifiers: QuasiIdentifiers = None,
    allow_withheld: AllowWithheld = False,
) -> None:
    """The evaluator's extract: pseudonymised episodes, spend and workshops, with a data
    dictionary, recorded in ledger/shares.yaml.

    Writes into DIR (new or empty): episodes.csv (keyed pseudonyms, k-anonymous on the
    quasi-identifiers), spend.csv, workshops.csv, datapackage.json (a Frictionless Data
    Package) and README.md (what was generalised and withheld, digests). See
    docs/evaluation.md.

    Example: svdiversion export evaluation --out extract-2025-03
    --key-file ~/keys/evaluation.key --recipient "Evaluation partner"
    --purpose "Interim evaluation report"
    """
    root = workspace_root(ctx)
    request = _Request(
        key=_key(root, key_file),
        wanted=_overrides(k, quasi_identifiers),
        as_of=as_of,
        by=_text(by or os.environ.get("SVDIVERSION_USER") or os.environ.get("USER"), "--by"),
        recipient=_text(recipient, "--recipient"),
        purpose=_text(purpose, "--purpose"),
        allow_withheld=allow_withheld,
    )
    folder = folder_target(ctx, out, "evaluation/extract-2025-03")
    if folder.is_dir() and any(folder.iterdir()):
        fail(f"{out} is not empty", "give a new or empty folder: an extract is sent whole")
    try:
        with ledger_lock(root):
            extract, settings, files = _share(ctx, root, folder, out, request)
    except LockUnavailable as exc:
        fail(f"{exc}; nothing was written", "wait for the other command to finish, then retry")
    if not state(ctx).quiet:
        sys.stderr.write(
            f"wrote {', '.join(files)} in {out}: {extract.referred - extract.withheld} episodes "
            f"({extract.withheld} of {extract.referred} withheld for k-anonymity and "
            f"l-diversity, k = {settings.k}, smallest class {extract.anonymised.smallest}; "
            f"{extract.generalisation}); recorded in ledger/shares.yaml\n"
        )


def _share(
    ctx: typer.Context, root: Path, folder: Path, out: Path, request: _Request
) -> tuple[Extract, EvaluationSettings, dict[str, bytes]]:
    """Under the ledger lock: the extract made, written into ``folder`` and recorded in
    ledger/shares.yaml; if the record cannot be made, the files are removed again."""
    from ..appendlog import NotAppended
    from ..evaluation.extract import SettingsRefused, evaluation_extract
    from ..evaluation.shares import append_share, share_record
    from ..render.datapackage import Share, digest, package_files

    ledger, _ = report_ledger(ctx)
    settings = _settings(ledger.settings.evaluation, request.wanted)
    day = request.as_of or today()
    try:
        extract = evaluation_extract(ledger, day, Pseudonyms(request.key), settings)
    except SettingsRefused as exc:
        fail(str(exc), "make the age bands cover age_min to age_max")
    if not (extract.anonymised.within_limit or request.allow_withheld):
        _too_many_withheld(extract, settings)
    made = now()
    who, recipient, purpose = request.by, request.recipient, request.purpose
    files = package_files(extract, Share(made, who, recipient, purpose))
    staging = _write(folder, out, files)
    record = share_record(
        extract, made, who, recipient, purpose, {n: digest(d) for n, d in files.items()}
    )
    try:
        append_share(root, record)
    except NotAppended as exc:
        shutil.rmtree(staging, ignore_errors=True)
        fail(
            f"{exc}; the extract was not kept",
            "check 'svdiversion check' and the folder's permissions, then run this again",
            EXIT_USAGE if exc.io else EXIT_PROBLEMS,
        )
    _move_into_place(staging, folder, out)
    return extract, settings, files


def _too_many_withheld(extract: Extract, settings: EvaluationSettings) -> NoReturn:
    share = (extract.withheld * 100 / extract.referred) if extract.referred else 0
    fail(
        f"the extract would withhold {extract.withheld} of {extract.referred} episodes "
        f"({share:.1f}%), more than evaluation.max_withheld "
        f"({(settings.max_withheld * 100).normalize():f}%), even at the level withholding "
        f"fewest ({extract.generalisation}); nothing was written",
        "use fewer quasi-identifiers (--quasi-identifiers), a smaller --k, or make it anyway "
        "with --allow-withheld (the README counts what is withheld)",
        EXIT_PROBLEMS,
    )


def _key(root: Path, key_file: Path | None) -> bytes:
    """The key from ``--key-file`` or the environment, or exit 2 saying why not."""
    try:
        if key_file is not None:
            if key_file.resolve().is_relative_to(root.resolve()):
                fail(
                    f"refusing the key in {key_file}: it is inside the workspace, where it "
                    "would be committed with the ledger",
                    "keep the key outside the workspace",
                )
            try:
                with key_file.open("rb") as handle:  # a pipe too: --key-file <(pass show k)
                    _private(key_file, os.fstat(handle.fileno()))
                    data = handle.read(MAX_KEY_FILE_BYTES + 1)
            except OSError as exc:
                fail(f"cannot read the key file {key_file}: {describe_os_error(exc)}", KEY_HINT)
            if len(data) > MAX_KEY_FILE_BYTES:
                fail(f"the key file {key_file} is over {MAX_KEY_FILE_BYTES} bytes", KEY_HINT)
            return key_from(data, str(key_file))
        value = os.environ.get(ENV_KEY, "")
        if not value:
            fail("no pseudonym key: the extract needs one", KEY_HINT)
        return key_from(value.encode("utf-8"), ENV_KEY)
    except KeyRefused as exc:
        fail(str(exc), KEY_HINT)


def _private(key_file: Path, status: os.stat_result) -> None:
    """Refuse a key file (a regular file; not a pipe) that its group or others may read
    or change: whoever can read the key can turn any reference into its pseudonym."""
    if os.name != "posix" or not stat.S_ISREG(status.st_mode) or not status.st_mode & PRIVATE:
        return
    mode = stat.S_IMODE(status.st_mode)
    fail(
        f"refusing the key in {key_file}: its group or others may read or change it "
        f"(mode {mode:04o})",
        f"make it yours alone with 'chmod 600 {key_file}', then run this again; anyone who "
        "has read the key can link every pseudonym to a reference",
    )


def _overrides(k: int | None, listed: str | None) -> dict[str, object]:
    """The options that replace settings, checked before anything is read."""
    wanted: dict[str, object] = {}
    if k is not None:
        if k < 2:
            fail(f"--k {k}: k must be at least 2", "k = 5 is the usual choice")
        wanted["k"] = k
    if listed is not None:
        names = [name.strip() for name in listed.split(",") if name.strip()]
        unknown = [name for name in names if name not in KNOWN_QUASI_IDENTIFIERS]
        if unknown or not names:
            fail(
                f"--quasi-identifiers: unknown {', '.join(map(repr, unknown)) or 'empty list'}",
                "choose from " + ", ".join(KNOWN_QUASI_IDENTIFIERS),
            )
        if len(set(names)) != len(names):
            fail("--quasi-identifiers: each is listed once")
        wanted["quasi_identifiers"] = names
    return wanted


def _settings(configured: EvaluationSettings, wanted: dict[str, object]) -> EvaluationSettings:
    return configured.model_copy(update=wanted) if wanted else configured


TEXT_MISSING = {
    "--by": ("no name for the record of the share", BY_HINT),
    "--recipient": (
        "--recipient is empty",
        'say who receives the extract, e.g. --recipient "University evaluation team"',
    ),
    "--purpose": (
        "--purpose is empty",
        'say what it is shared for, e.g. --purpose "Interim evaluation report"',
    ),
}


def _text(value: str | None, option: str) -> str:
    """The option's text with its spaces tidied; when there is none, a message that says
    what to write."""
    if value is None or not value.strip():
        fail(*TEXT_MISSING[option])
    return " ".join(value.split())


def _write(folder: Path, out: Path, files: dict[str, bytes]) -> Path:
    """Each file into a new staging folder beside ``folder``; the staging folder. On
    failure it is removed and the command stops (exit 2)."""
    staging: Path | None = None
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".partial", dir=folder.parent)
        )
        for name, data in files.items():
            write_atomic(staging / name, data)
            (staging / name).chmod(0o600)  # OFFICIAL-SENSITIVE: the user's alone
    except OSError as exc:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        _cannot_write(out, exc)
    return staging


def _move_into_place(staging: Path, folder: Path, out: Path) -> None:
    """The recorded extract renamed from its staging folder to ``folder`` (new, or empty:
    a rename replaces an empty folder). The folder and its files are the user's alone
    (0700, 0600), as an OFFICIAL-SENSITIVE extract should be wherever the umask says."""
    try:
        staging.chmod(0o700)
        os.replace(staging, folder)
    except OSError as exc:
        fail(
            f"the share is recorded in ledger/shares.yaml, but {staging} could not be renamed "
            f"to {out}: {describe_os_error(exc)}",
            f"rename it yourself (mv {staging} {out}); its files are the ones recorded",
        )


def _cannot_write(out: Path, exc: OSError) -> NoReturn:
    fail(
        f"cannot write {out}: {describe_os_error(exc)}; nothing was kept or recorded",
        "check the folder is writable and has space",
    )
