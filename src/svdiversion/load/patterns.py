"""The regular expressions users write (the finance mapping's patterns), run in linear time.

A treasurer's pattern (``keep_rows: pattern:``, ``skip_rows: when: matches:``, an import
rule's ``pattern:``) is searched in every row of an export. Python's ``re`` backtracks: a
pattern such as ``^(\\w+\\s?)+$`` takes exponential time on a value it almost matches, and
a run would never end. So the patterns are run by RE2 (through pyarrow, already a
dependency), whose time is linear in the value: no pattern and no value can stall a
command. RE2 has no look-around and no back-references; a pattern using them is a located
E110 when the mapping is read, saying what to write instead.

Results are kept per (pattern, value): an export repeats its cost centres and suppliers,
so a yearly export costs one RE2 call per distinct value.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=2**16)
def search(pattern: str, value: str) -> bool:
    """Whether ``pattern`` is found anywhere in ``value`` (RE2 semantics)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = value.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate as '?'
    found = pc.call_function(
        "match_substring_regex", [pa.array([text], pa.string())], _options(pattern)
    )
    return bool(found[0].as_py())


def unsupported(pattern: str) -> str | None:
    """Why RE2 cannot run ``pattern`` (look-around, back-references...), or ``None``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        pc.call_function("match_substring_regex", [pa.array([""], pa.string())], _options(pattern))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        return str(exc).removeprefix("Invalid regular expression: ").strip()
    return None


def _options(pattern: str) -> object:
    """RE2 matching options for ``pattern``; pyarrow makes its compute functions at import
    time, so they are called by name (:func:`pyarrow.compute.call_function`)."""
    import pyarrow.compute as pc

    return pc.MatchSubstringOptions(pattern)
