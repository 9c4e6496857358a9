"""Keyed pseudonyms: HMAC-SHA256 of a ledger reference under a key the commissioner holds.

``person_key`` is the hex HMAC-SHA256 of ``b"cyp_ref\\x00" + cyp_ref`` and
``episode_key`` of ``b"episode_id\\x00" + episode_id`` (UTF-8), under the key. The
prefix keeps the two kinds apart: a child's reference and an episode id never give the
same pseudonym. The same key gives the same pseudonyms in every extract, so an evaluator
can follow a child across extracts; without the key nobody can go from a pseudonym back
to a reference, or from a reference to its pseudonym. The key identifies itself by a
``key_id`` (an HMAC of a fixed text, 16 hex digits) that reveals nothing of it.

>>> one, other = Pseudonyms(b"k" * 32), Pseudonyms(b"j" * 32)
>>> one.person("CYP-00001") == one.person("CYP-00001") != other.person("CYP-00001")
True
"""

from __future__ import annotations

import hashlib
import hmac

MIN_KEY_BYTES = 32
ENV_KEY = "SVDIVERSION_EVALUATION_KEY"


class KeyRefused(ValueError):
    """The key cannot be used; the message says why."""


def key_from(data: bytes, where: str) -> bytes:
    """The key held in ``data`` (a file's bytes or a variable's value): the bytes as they
    are, without a final line break. At least :data:`MIN_KEY_BYTES` bytes."""
    key = data.removesuffix(b"\n").removesuffix(b"\r")
    if not key:
        raise KeyRefused(f"{where} is empty")
    if len(key) < MIN_KEY_BYTES:
        raise KeyRefused(
            f"the key in {where} is {len(key)} bytes; it must be at least {MIN_KEY_BYTES}"
        )
    return key


class Pseudonyms:
    """Pseudonyms under one key."""

    __slots__ = ("_keyed",)

    def __init__(self, key: bytes) -> None:
        if len(key) < MIN_KEY_BYTES:
            raise KeyRefused(f"a key must be at least {MIN_KEY_BYTES} bytes")
        self._keyed = hmac.new(key, digestmod=hashlib.sha256)  # copied for each message

    def _mac(self, kind: bytes, text: str) -> str:
        mac = self._keyed.copy()
        mac.update(kind + b"\x00" + text.encode("utf-8"))
        return mac.hexdigest()

    def person(self, cyp_ref: str) -> str:
        return self._mac(b"cyp_ref", cyp_ref)

    def episode(self, episode_id: str) -> str:
        return self._mac(b"episode_id", episode_id)

    @property
    def key_id(self) -> str:
        """Names the key in ``ledger/shares.yaml`` without giving it away."""
        return self._mac(b"key_id", "svdiversion evaluation key")[:16]
