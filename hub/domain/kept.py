"""Values a worker keeps while public content is unchanged, as the domain's queries take them.

The public cache's `memo` (hub/public_cache.py) keeps a value per content version: facets,
orders and indexes that every page would otherwise read again. Domain queries take it as an
optional `memo` argument, so that they run alone (tests, commands) and kept (pages).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
Memo = Callable[[str, Callable[[], Any]], Any]


def kept(memo: Memo | None, name: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept under `name` through `memo` when there is one."""
    return memo(name, compute) if memo is not None else compute()
