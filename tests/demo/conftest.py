import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from knutpunkt.demo import loader
from tests.factories import SchemeFactory, case_type_in, document_type_in, process_in

END = timezone.make_aware(dt.datetime(2026, 6, 16, 15, 30))


def tiny_structure(organisation):
    """A few processes whose titles the demo recognises, and many it will not."""
    scheme = SchemeFactory(organisation=organisation, name="Liten struktur")
    lov = process_in(scheme, "2.1.2.1", "Pröva lov och förhandsbesked")
    case_type_in(lov, "BYGG", "Bygglov")
    document_type_in(lov, "ANS", "Ansökan om lov")
    document_type_in(lov, "BES", "Beslut om lov")
    synpunkt = process_in(scheme, "1.1.1.4", "Ta emot synpunkter och klagomål")
    document_type_in(synpunkt, "SYN", "Synpunkt eller klagomål")
    return scheme


@pytest.fixture(scope="module")
def small_demo(django_db_setup, django_db_blocker):
    """One small demo shared by a module's tests (loading takes seconds), rolled back
    afterwards. Each test still runs in its own savepoint inside it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield loader.load_demo(cases=40, seed=7, end=END, structure=tiny_structure)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
