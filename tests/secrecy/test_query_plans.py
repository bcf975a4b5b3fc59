"""The newest-first page of a reader's cases is read in index order on SQLite, also for
a reader of several diaries (access.predicates.In): no sorting of every case in them."""

import pytest
from django.db import connection

from knutpunkt.access import policy
from knutpunkt.organisations.models import Role, RoleAssignment
from knutpunkt.registry import queries
from knutpunkt.registry.queries import CaseSearch
from tests.factories import DiaryFactory, UserFactory

from .world import make_world, register_secret

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")]


def plan(qs) -> str:
    sql, params = qs.query.get_compiler(using="default").as_sql()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(row[-1] for row in cursor.fetchall())


# sqlite_stat1 of the benchmark's database with 1 000 000 cases in six diaries: the plan
# SQLite picks depends on these statistics, not on the few rows a test has.
MILLION = {
    "case_voided_newest_idx": "1000000 1000000 3 2",
    "case_diary_voided_idx": "1000000 166667 166667",
    "registry_ca_diary_i_6f76dc_idx": "1000000 166667 2",
    "registry_ca_officer_7b759f_idx": "1000000 1000000 250000",
    "registry_case_diary_id_45d5c25d": "1000000 166667",
    "registry_case_registered_at_0d46e83f": "1000000 3",
    "registry_case_status_788acacd": "1000000 250000",
    "registry_case_officer_id_32e795e5": "1000000 1000000",
    "registry_case_main_case_id_88b30c22": "1000000 1000000",
    "registry_case_voided_by_id_69e251f1": "1000000 1000000",
    "registry_case_responsible_unit_id_284b94cf": "1000000 166667",
    "registry_case_registered_by_id_878e69f8": "1000000 1000000",
    "registry_case_process_id_da2fa466": "1000000 1000000",
    "registry_case_case_type_id_2a367973": "1000000 1000000",
    "sqlite_autoindex_registry_case_3": "1000000 166667 83334 1",
    "sqlite_autoindex_registry_case_2": "1000000 1",
    "sqlite_autoindex_registry_case_1": "1000000 1",
}


def pretend_a_million_cases() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'registry_case'")
        existing = {row[0] for row in cursor.fetchall()}
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'registry_case'")
        for index, stat in MILLION.items():
            if index in existing:
                cursor.execute("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('registry_case', %s, %s)", [index, stat])
        cursor.execute("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('registry_case', NULL, '1000000')")
        cursor.execute("ANALYZE sqlite_schema")  # reload the statistics


@pytest.mark.parametrize("diaries", [1, 2])
def test_first_page_needs_no_sort(diaries):
    world = make_world()
    second = DiaryFactory(authority=world.authority, prefix="SEK2")
    RoleAssignment.objects.create(user=world.owner, role=Role.REGISTRATOR, diary=second)
    for _ in range(3):
        register_secret(world)
    reader = UserFactory(organisation=world.organisation)
    for diary in (world.diary, second)[:diaries]:
        RoleAssignment.objects.create(user=reader, role=Role.LASARE, diary=diary)
    pretend_a_million_cases()
    page = queries.search_cases(reader, CaseSearch())[:50]
    assert "TEMP B-TREE" not in plan(page), plan(page)
    assert len(list(page)) == 3
    policy.forget(reader)
