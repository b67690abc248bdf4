"""The guard table's uses: rate-limit counters, first-time markers and the service's own opt-out
list (`BH HUY`)."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.domain.clock import Clock
from chalicelib.store.conditions import write_if
from chalicelib.store.models import Tables, exists


def count_hit(tables: Tables, scope: str, *, window_s: int, clock: Clock) -> int:
    """Count one hit against `scope` in the current fixed window; returns the window's count so far.
    One atomic ADD, so concurrent Lambdas count right; TTL removes the counter after the window."""
    now = int(clock().timestamp())
    window = now - now % window_s
    model = tables.guard
    item = model(f"rate#{scope}#{window}")
    item.update(actions=[model.hits.add(1), model.expires_at.set(window + window_s + 60)])
    return int(item.hits or 0)


def _optout_key(phone: str) -> str:
    return f"optout#{phone}"


def opt_out(tables: Tables, phone: str) -> None:
    tables.guard(_optout_key(phone)).save()


def opt_in(tables: Tables, phone: str) -> None:
    tables.guard(_optout_key(phone)).delete()


def is_opted_out(tables: Tables, phone: str) -> bool:
    """The service's own list; SNS keeps its own, which the sender checks too."""
    return exists(tables.guard, _optout_key(phone))


def opted_out_among(tables: Tables, phones: Iterable[str]) -> set[str]:
    """Which of these phones are on the service's own list: one BatchGetItem for a sender's batch."""
    keys = sorted({_optout_key(p) for p in phones if p})
    if not keys:
        return set()
    attrs = [tables.guard._hash_keyname]
    return {item.pk.removeprefix("optout#") for item in tables.guard.batch_get(keys, attributes_to_get=attrs)}


def first_time(tables: Tables, marker: str, *, keep_s: int, clock: Clock) -> bool:
    """True for the first call naming `marker` (one atomic ADD, so two Lambdas at once agree on
    which was first), False after; the marker lapses after `keep_s`. `forget` undoes it."""
    model = tables.guard
    item = model(f"once#{marker}")
    item.update(actions=[model.hits.add(1), model.expires_at.set(int(clock().timestamp()) + keep_s)])
    return int(item.hits or 0) == 1


def forget(tables: Tables, marker: str) -> None:
    """The marker's first time not had after all (what it guarded failed): the next call is first."""
    model = tables.guard
    write_if(model(f"once#{marker}"), [model.hits.add(-1)])
