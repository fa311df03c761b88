"""Cached results of the evidence: served while fresh, recomputed by one process at a time.

Reports, the frames they are computed from and the crosswalk view all follow one rule. A copy
is fresh while the evidence is unchanged, or for FRESH_SECONDS after it was computed however
fast evidence arrives: at national scale a recomputation costs seconds, and figures a minute
old are fresh enough to decide investments. When a copy goes stale, the first process to ask
recomputes it and the others keep serving the stale copy meanwhile, instead of every worker
computing the same thing at once. `manage.py refresh_reports` recomputes ahead of readers.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

FRESH_SECONDS = 60
# How long other processes wait for one that is recomputing before they try themselves (it
# may have died).
COMPUTE_SECONDS = 300
KEEP_SECONDS = 24 * 3600


@dataclass
class Copy:
    value: Any
    version: str
    computed_at: float


def now() -> float:
    return time.time()


def cached(key: str, version: str, compute: Callable[[], Any], *, force: bool = False) -> Any:
    """The cached value under `key`, recomputed by `compute` when stale (always with `force`).
    A None result is returned but not cached."""
    copy = None if force else cache.get(key)
    if copy is not None and (copy.version == version or now() - copy.computed_at < FRESH_SECONDS):
        return copy.value
    computing = f"{key}:computing"
    if not cache.add(computing, True, timeout=COMPUTE_SECONDS):
        if copy is not None:
            return copy.value
        # Nothing to serve yet: wait for the process already computing it rather than
        # computing it again beside it (each costs as much memory as the other).
        waited = _wait_for(key)
        if waited is not None:
            return waited.value
    try:
        computed_at = now()
        value = compute()
        if value is not None:
            cache.set(key, Copy(value, version, computed_at), timeout=KEEP_SECONDS)
        return value
    finally:
        cache.delete(computing)


def _wait_for(key: str, *, poll: float = 0.25) -> Copy | None:
    deadline = time.monotonic() + COMPUTE_SECONDS
    while time.monotonic() < deadline:
        time.sleep(poll)
        copy = cache.get(key)
        if copy is not None:
            return copy
        if cache.get(f"{key}:computing") is None:
            return None  # the other process gave up or produced nothing: compute here
    return None
