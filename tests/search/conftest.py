import pytest

from knutpunkt.access.models import LegalProvision
from knutpunkt.registry import outbox


@pytest.fixture
def provision(db):
    return LegalProvision.objects.get(organisation=None, reference="26 kap. 1 §")


@pytest.fixture
def dispatch():
    """Run the outbox as the background worker would (the test transaction never
    commits, so on_commit tasks do not run by themselves)."""

    def run():
        while outbox.dispatch_pending():
            pass

    return run
