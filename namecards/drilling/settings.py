"""The drill's scheduling settings as one typed value, checked once where they are read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from namecards.errors import NamecardsError

DEFAULT_RETENTION = 0.9
DEFAULT_NEW_PER_DAY = 20
DEFAULT_REVIEWS_PER_DAY = 200


@dataclass(frozen=True)
class DrillSettings:
    """Scheduling settings, from config.json (`desired_retention`, `new_per_day`,
    `reviews_per_day`); the defaults are FSRS's 0.9 and Anki's 20 new / 200 reviews a day."""

    desired_retention: float = DEFAULT_RETENTION
    new_per_day: int = DEFAULT_NEW_PER_DAY
    reviews_per_day: int = DEFAULT_REVIEWS_PER_DAY

    @property
    def scheduler(self):
        return _scheduler(self.desired_retention)

    @classmethod
    def from_mapping(cls, data: Mapping) -> DrillSettings:
        """The settings in `data` (config.json's keys), refused when the drill cannot use them."""
        try:
            retention = float(data.get("desired_retention", DEFAULT_RETENTION))
            new = int(data.get("new_per_day", DEFAULT_NEW_PER_DAY))
            reviews = int(data.get("reviews_per_day", DEFAULT_REVIEWS_PER_DAY))
        except (TypeError, ValueError):
            raise NamecardsError(
                "config.json: desired_retention must be a number, new_per_day and "
                "reviews_per_day whole numbers") from None
        if not 0.7 <= retention <= 0.99:
            raise NamecardsError(
                f"desired retention must be between 0.70 and 0.99, not {retention}")
        if new < 0 or reviews < 0:
            raise NamecardsError("daily limits cannot be negative")
        return cls(retention, new, reviews)


@lru_cache(maxsize=8)
def _scheduler(retention: float):
    from namecards.drilling.scheduling import make_scheduler

    return make_scheduler(retention)
