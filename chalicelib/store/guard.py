"""The guard table's `rate#`, `once#`, `optout#` and `reminders#through` items: rate-limit
counters, first-time markers, the service's own opt-out list (`BH HUY`) and how far the reminders
have run. Every kind the table holds, and its owner: the docstring of `GuardModel` (models.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.clock import Clock
from chalicelib.store.conditions import save_if, write_if
from chalicelib.store.maps import plain_map
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


REMINDERS_THROUGH = "reminders#through"  # the last day whose reminders run finished


def reminders_through(tables: Tables) -> date | None:
    """The last day a reminders run finished (None: never, or unreadable), read consistently."""
    try:
        done = plain_map(tables.guard.get(REMINDERS_THROUGH, consistent_read=True).data)
        return date.fromisoformat(str(done["day"]))
    except (DoesNotExist, KeyError, ValueError):
        return None


def mark_reminders_through(tables: Tables, day: date) -> bool:
    """Record `day` as covered, unless a later day already is (an old run retried): False then."""
    guard, iso = tables.guard, day.isoformat()
    return save_if(guard(REMINDERS_THROUGH, data={"day": iso}), guard.pk.does_not_exist() | (guard.data["day"] < iso))
