"""Distinct people over any period, counted without keeping who they are.

When someone is checked in, their address is hashed with a key derived from SECRET_KEY
(HMAC-SHA256) and the hash goes into the event's HyperLogLog sketch (Apache DataSketches,
lg_k = 12). A period's figure merges the sketches of its events: distinct people, exact in
practice for the few hundred people of a small period (the sketch then lists its hashes),
and within about ±3.3 % (two standard errors of 1.6 %) beyond a few thousand. A sketch
holds no address and cannot give one back; without the key, not even a known address can be
tested against it. The sketches are kept for statistics only (GDPR art. 5(1)(e) and 89(1):
pseudonymised, aggregate, never shown per person) while names and addresses are erased on
the retention schedule. Changing SECRET_KEY starts new hashes: people who come both before
and after the change are then counted twice in a period that spans it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from flask import current_app

LG_K = 12


def _sketches():
    # Loaded on first use (it brings numpy): only the figures pages and check-ins need it.
    import datasketches

    return datasketches


def person_key(secret: str | bytes) -> bytes:
    """The hashing key of the figures, derived from the application's secret."""
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, b"hub.figures.people", hashlib.sha256).digest()


def person_hash(email: str, key: bytes | None = None) -> int:
    """A keyed 64-bit hash of a normalised address: what a sketch keeps of a person."""
    key = key if key is not None else person_key(current_app.config["SECRET_KEY"])
    digest = hmac.new(key, email.strip().lower().encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def add_to_sketch(sketch: bytes | None, hashes: Iterable[int]) -> bytes:
    """The sketch with these people added (a new sketch from None)."""
    ds = _sketches()
    current = ds.hll_sketch.deserialize(sketch) if sketch else ds.hll_sketch(LG_K)
    for value in hashes:
        current.update(value)
    return current.serialize_compact()


def distinct_people(sketches: Iterable[bytes | None]) -> int:
    """How many distinct people the sketches hold together (their union's estimate)."""
    ds = _sketches()
    union = None
    for sketch in sketches:
        if not sketch:
            continue
        union = union or ds.hll_union(LG_K)
        union.update(ds.hll_sketch.deserialize(sketch))
    return 0 if union is None else round(union.get_estimate())
