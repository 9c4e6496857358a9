"""The long fuzz run behind ``make fuzz``: mutate the shipped workspace at random, run the
commands, and save every new kind of contract failure to ``tests/fuzz_corpus/``.

    python scripts/fuzz.py --minutes 10           # what 'make fuzz' runs
    python scripts/fuzz.py --examples 2000 --seed 7
    python scripts/fuzz.py --minutes 1 --dry-run  # report, save nothing
    python scripts/fuzz.py --batch-seed 123       # one batch again, as printed by a run

The mutators and the contract are those of the short run in ``make test``
(``tests/fuzzing.py``), drawn at random here rather than derandomised. The run goes in
batches of hypothesis examples, each with its own seed, printed before the batch runs so
that it can be run again with ``--batch-seed``. When an example breaks the contract,
hypothesis shrinks it to a small workspace that still fails, and the files it changed are
saved with a ``case.yaml`` as ``tests/fuzz_corpus/<name>/`` (named after the failure: the
command, the clause of the contract, and where it broke), which ``tests/test_fuzz.py``
replays on every ``make test`` from then on. A failure of a kind the corpus already holds
(the same ``signature`` in a ``case.yaml``) counts as a repeat and the search goes on, so
one run collects one case per distinct failure.

Exit 0 when no new failure was found, 1 otherwise.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import fuzzing  # noqa: E402  (tests/fuzzing.py: the mutators and the contract)

BATCH = 250  # examples per seed: a failure stops a batch, so batches stay short
MEMORY_GB = 8  # the whole run's address space: nothing it meets can take the machine's memory


@dataclass
class Tally:
    """What the run has done so far."""

    examples: int = 0  # workspaces generated and checked
    shrinking: int = 0  # further runs while hypothesis shrank a failure
    repeats: Counter[str] = field(default_factory=Counter)  # known failures met again
    saved: list[Path] = field(default_factory=list)


@dataclass
class Batch:
    """One seed's search: stops at the first new failure (then shrinks it) or the end."""

    known: set[str]
    tally: Tally
    stop_at: float
    failure: tuple[fuzzing.Case, fuzzing.ContractBroken] | None = None


def run_batch(batch: Batch, examples: int, batch_seed: int) -> None:
    """Search ``examples`` workspaces with ``batch_seed``; leave the (shrunk) first new
    failure in ``batch.failure``."""

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.generate, Phase.shrink],
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )
    @seed(batch_seed)
    @given(case=fuzzing.cases())
    def probe(case: fuzzing.Case) -> None:
        shrinking = batch.failure is not None
        if not shrinking and time.monotonic() > batch.stop_at:
            return  # out of time: let hypothesis run out the batch without work
        if shrinking:
            batch.tally.shrinking += 1
        else:
            batch.tally.examples += 1
        with tempfile.TemporaryDirectory() as tmp:
            try:
                fuzzing.check_case(case, Path(tmp), fuzzing.TIME_LIMIT)
            except fuzzing.ContractBroken as broken:
                if broken.signature in batch.known:
                    batch.tally.repeats[broken.signature] += 1
                    return  # a kind the corpus holds: search on
                batch.failure = (case, broken)
                raise

    try:
        probe()
    except Exception as exc:  # the failure, or hypothesis saying it would not reproduce
        if batch.failure is None:
            raise
        if not isinstance(exc, fuzzing.ContractBroken):
            print(f"  note: {type(exc).__name__} while shrinking; saving the last failure")


def known_signatures(corpus: Path) -> set[str]:
    """The failures the corpus already holds."""
    return {fuzzing.load_case(folder).signature for folder in fuzzing.corpus_cases(corpus)}


def batch_seeds(args: argparse.Namespace) -> Iterator[int]:
    """The seed of each batch: the one given with --batch-seed, or drawn from --seed."""
    if args.batch_seed is not None:
        yield args.batch_seed
        return
    seeds = random.Random(args.seed)
    while True:
        yield seeds.randrange(2**32)


def fuzz(args: argparse.Namespace) -> Tally:
    """Batches until the examples or the minutes run out; print and save what is new."""
    tally = Tally()
    known = known_signatures(args.corpus)
    stop_at = time.monotonic() + (args.minutes * 60 if args.minutes else float("inf"))
    budget = args.examples if args.examples else (None if args.minutes else 2000)
    print(f"fuzzing; the corpus holds {len(known)} kinds of failure ({args.corpus})")
    for batch_seed in batch_seeds(args):
        if time.monotonic() >= stop_at or (budget is not None and tally.examples >= budget):
            break
        size = BATCH if budget is None else min(BATCH, budget - tally.examples)
        print(f"  {tally.examples} examples so far; next: --batch-seed {batch_seed}", flush=True)
        batch = Batch(known, tally, stop_at)
        run_batch(batch, size, batch_seed)
        if batch.failure is not None:
            record(batch.failure, known, tally, args, batch_seed)
    return tally


def record(
    failure: tuple[fuzzing.Case, fuzzing.ContractBroken],
    known: set[str],
    tally: Tally,
    args: argparse.Namespace,
    batch_seed: int,
) -> None:
    """Print a new failure and, unless --dry-run, save it to the corpus."""
    case, broken = failure
    known.add(broken.signature)
    print(f"NEW {broken.signature}\n    {broken}".replace("\n", "\n    "), flush=True)
    if args.dry_run:
        return
    found = f"{date.today().isoformat()} by scripts/fuzz.py --batch-seed {batch_seed}"
    tally.saved.append(fuzzing.save_case(case, broken, args.corpus, found))
    print(f"    saved as {tally.saved[-1].relative_to(REPO)}", flush=True)


def report(tally: Tally) -> None:
    print(
        f"\n{tally.examples} examples ({tally.shrinking} more runs while shrinking); "
        f"{len(tally.saved)} new cases saved"
    )
    for signature, count in tally.repeats.most_common():
        print(f"  met again {count} times: {signature}")
    for folder in tally.saved:
        print(f"  new: {folder.relative_to(REPO)}")


def limit_memory(gigabytes: int) -> None:
    """Cap the run's address space (RLIMIT_AS): beyond it allocations fail with MemoryError
    instead of the kernel killing processes to make room."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = gigabytes << 30
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft == resource.RLIM_INFINITY or soft > cap:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, help="stop after this many (default 2000)")
    parser.add_argument("--minutes", type=float, help="stop after this long")
    parser.add_argument("--seed", type=int, help="seed of the batch seeds (default: random)")
    parser.add_argument("--batch-seed", type=int, help="run the one batch of this seed")
    parser.add_argument("--corpus", type=Path, default=fuzzing.CORPUS, help="where cases go")
    parser.add_argument("--dry-run", action="store_true", help="print failures, save nothing")
    args = parser.parse_args(argv)
    args.corpus = args.corpus.resolve()
    limit_memory(MEMORY_GB)
    tally = fuzz(args)
    report(tally)
    return 1 if tally.saved else 0


if __name__ == "__main__":
    sys.exit(main())
