"""Seats and the waiting list (キャンセル待ち) of a meeting, as plain data.

A confirmed sign-up holds a numbered seat 1..capacity; the database keeps (meeting, seat) unique,
so two people can never hold the same seat however their requests interleave. Whoever waits
holds no seat and is promoted, first come first served, when a seat comes free.
"""

from collections.abc import Iterable, Sequence


def free_seats(capacity: int, taken: Iterable[int]) -> list[int]:
    """Seat numbers not taken, lowest first (a meeting without a limit is not asked)."""
    held = set(taken)
    return [seat for seat in range(1, capacity + 1) if seat not in held]


def promotions(capacity: int, taken: Iterable[int],
               waiting: Sequence[int]) -> list[tuple[int, int]]:
    """Which waiting sign-ups (ids in the order they signed up) get which free seats."""
    return list(zip(waiting, free_seats(capacity, taken), strict=False))


def waiting_position(waiting: Sequence[int], signup_id: int) -> int | None:
    """1-based place on the waiting list, or None when not waiting."""
    try:
        return waiting.index(signup_id) + 1
    except ValueError:
        return None
