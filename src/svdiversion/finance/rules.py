"""Which rule of ``import: rules:`` places a payment on a budget line."""

from __future__ import annotations

from collections.abc import Sequence

from ..load.patterns import search
from .export_rows import Payment
from .mapping import LineRule

RULE_FIELDS = {
    "counterparty": "supplier",
    "description": "description",
    "account": "account",
    "cost_centre": "cost_centre",
    "reference": "reference",
}
"""A rule's ``field`` -> the :class:`Payment` attribute it reads."""


def placing_rule(payment: Payment, rules: Sequence[LineRule]) -> LineRule | None:
    """The first rule that matches ``payment``: exact and prefix ignore case and spacing;
    a pattern is a regular expression searched in the value as written."""
    for rule in rules:
        value = getattr(payment, RULE_FIELDS[rule.field])
        if rule.equals is not None and _key(value) == _key(rule.equals):
            return rule
        if rule.prefix is not None and _key(value).startswith(_key(rule.prefix)):
            return rule
        if rule.pattern is not None and search(rule.pattern, value):
            return rule
    return None


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()
