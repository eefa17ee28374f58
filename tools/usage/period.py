"""The period a report covers: whole days in UK time, the first and the last included."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Optional
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"the period ends ({self.last}) before it starts ({self.first})")

    @property
    def start(self) -> float:
        """Unix time of midnight, UK time, at the start of the first day."""
        return dt.datetime.combine(self.first, dt.time(), UK).timestamp()

    @property
    def end(self) -> float:
        """Unix time of midnight, UK time, at the end of the last day."""
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), UK).timestamp()

    def days(self) -> List[dt.date]:
        return [self.first + dt.timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def __str__(self) -> str:
        if self.first == self.last:
            return self.first.isoformat()
        return f"{self.first.isoformat()} to {self.last.isoformat()}"


def day_of(timestamp: float) -> dt.date:
    return dt.datetime.fromtimestamp(timestamp, UK).date()


def period_from(
    first: Optional[str], last: Optional[str], days: Optional[int], today: dt.date
) -> Period:
    """FROM and TO as dates (either may be left out), or the DAYS up to and including today."""
    if days is not None and (first or last):
        raise ValueError("give either FROM and TO, or DAYS, not both")
    end = dt.date.fromisoformat(last) if last else today
    if first:
        return Period(dt.date.fromisoformat(first), end)
    return Period(end - dt.timedelta(days=(days or 30) - 1), end)
