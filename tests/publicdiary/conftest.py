import datetime as dt

import pytest

from knutpunkt.access.models import LegalProvision
from knutpunkt.core import clock
from knutpunkt.publicdiary.models import PublicationSettings
from knutpunkt.registry import outbox


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Limits off; tests/publicdiary/test_ratelimit.py sets its own."""
    settings.KNUTPUNKT_PUBLIC_RATES = {"page": None, "api": None, "request": None}


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache: every test starts with a fresh budget."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def publication(diary):
    """The KS diary's authority publishes, without delay unless a test sets one."""
    return PublicationSettings.objects.create(authority=diary.authority, enabled=True, delay_hours=0, request_diary=diary)


@pytest.fixture
def deliver():
    """Run the outbox as the background worker would, after commit."""
    return outbox.dispatch_pending


@pytest.fixture
def provision(db):
    return LegalProvision.objects.get(organisation=None, reference="26 kap. 1 §")


@pytest.fixture
def later(monkeypatch):
    """Move the clock forward by some hours."""

    def move(hours: float):
        moved = clock.now() + dt.timedelta(hours=hours)
        monkeypatch.setattr(clock, "now", lambda: moved)
        return moved

    return move
