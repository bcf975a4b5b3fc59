"""Moving the clock while the demo is loaded, so two years of registrations get
realistic dates, years (number series) and event times.

Services read the time through knutpunkt.core.clock; inside `travelling_clock()`
those functions answer with whatever moment the loader has set. Outside it, and
after it, the real clock is back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

from knutpunkt.core import clock


class TravellingClock:
    def __init__(self, start: dt.datetime):
        self.moment = start

    def set(self, moment: dt.datetime) -> None:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        self.moment = moment

    def now(self) -> dt.datetime:
        return self.moment

    def today(self) -> dt.date:
        return timezone.localdate(self.moment)


@contextmanager
def travelling_clock(start: dt.datetime | None = None) -> Iterator[TravellingClock]:
    """Patch clock.now/clock.today for the duration of the block."""
    travelling = TravellingClock(start or timezone.now())
    original_now, original_today = clock.now, clock.today
    clock.now, clock.today = travelling.now, travelling.today
    try:
        yield travelling
    finally:
        clock.now, clock.today = original_now, original_today
