"""The parallel-registration load of test_concurrency_postgres.py, on SQLite.

SQLite has one writer at a time: registrations open IMMEDIATE transactions (they take
the write lock at BEGIN) and wait up to the configured timeout, so threads queue
instead of failing with "database is locked".
"""

import pytest
from django.db import connection

from .test_concurrency_postgres import parallel_case_registrations, parallel_documents


@pytest.fixture(autouse=True)
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip(f"the SQLite variant; this run uses {connection.vendor} (see test_concurrency_postgres.py)")


@pytest.mark.django_db(transaction=True)
def test_parallel_case_registrations_on_sqlite():
    parallel_case_registrations()


@pytest.mark.django_db(transaction=True)
def test_parallel_documents_on_sqlite():
    parallel_documents()


@pytest.mark.django_db(transaction=True)
def test_parallel_first_registrations_of_one_person_make_one_party_on_sqlite():
    """IMMEDIATE transactions serialise whole registrations on SQLite, so the lookup
    and the insert of a new party cannot interleave."""
    from .test_concurrency_postgres import parallel_first_registrations_of_one_person

    assert parallel_first_registrations_of_one_person() == 1
