"""The one clock: everything that compares with "now" asks the store's clock.

A `Store` carries a `Clock`; the system clock by default, a `FixedClock` in tests and
snapshots, so that due counts, forecasts, follow-up deadlines and letter dates never read the
wall clock behind the caller's back. The few places with no store (a format writer stamping
`REV`) take `now` from their caller.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo


def utc_text(when: datetime) -> str:
    """One text format for every stored `due` and `reviewed_at`, so SQL compares them as text
    correctly: UTC to the second."""
    return when.astimezone(UTC).isoformat(timespec="seconds")


def parse_utc(text: str) -> datetime:
    """A stored stamp back as an aware datetime (naive stamps are UTC)."""
    when = datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class Clock:
    """The wall clock, in UTC (timezone-aware: FSRS refuses naive datetimes)."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def now_iso(self) -> str:
        """The stamp the store writes: UTC to the second."""
        return self.now().isoformat(timespec="seconds")

    def local_zone(self) -> tzinfo:
        """The user's time zone at this moment (day boundaries, event times typed by hand)."""
        return self.now().astimezone().tzinfo


class FixedClock(Clock):
    """A clock that shows one moment until it is moved: tests, snapshots, simulations."""

    def __init__(self, when: datetime):
        self.set(when)

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._now = when.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def now(self) -> datetime:
        return self._now


SYSTEM = Clock()
