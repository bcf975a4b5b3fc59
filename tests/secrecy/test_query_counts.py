"""Lists of cases cost the same number of queries whatever their length: the policy is
applied in the query and per row in Python, never with one query per row (the API's
first page of 50 cases took 57 queries before the parties were prefetched)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from knutpunkt.organisations.models import Role, RoleAssignment
from tests.factories import UserFactory

from .world import Protection, make_world, register_secret

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured)


@pytest.mark.parametrize("role", [Role.REGISTRATOR, Role.LASARE, Role.HANDLAGGARE])
def test_case_lists_take_a_constant_number_of_queries(role):
    world = make_world()
    reader = UserFactory(organisation=world.organisation)
    RoleAssignment.objects.create(user=reader, role=role, diary=world.diary)
    world.group.members.add(reader)
    client = Client()
    client.force_login(reader)
    register_secret(world)
    register_secret(world, case_protection=Protection(frozenset({"title", "parties"})))
    few = {url: queries_for(client, url) for url in ("/api/v1/cases/", "/arenden/?status=open")}
    for i in range(6):
        # Restricted cases with the access group named: a handläggare's view of them
        # depends on the groups (policy InGroups), which must not cost a query per row.
        protection = Protection(frozenset({"parties"}) if i % 2 else frozenset(), restricted=i % 2 == 0, group=i % 4 == 0)
        register_secret(world, case_protection=protection, protected_party=i % 3 == 0)
    many = {url: queries_for(client, url) for url in few}
    assert many == few
