"""Property: the access policy's two forms agree, and both follow the stated rules.

For random readers (global administrator or not, active or not, roles per diary or per
authority — an authority's role covers all its diaries — läsare, registrator, …,
membership of access groups) and random cases and documents in several diaries and
authorities, with random secrecy flags:

- `case_filter` in the database selects exactly the cases whose `case_visibility` is
  not HIDDEN; the same for documents and through a relation (prefix);
- `field_filter(part)` selects exactly the objects whose view shows that part;
- visibility, FULL, `may_register_in` and `may_void` match an oracle written from the
  rules in access/policy.py's docstring, computed from the drawn roles alone.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knutpunkt.access import policy
from knutpunkt.access.models import AccessGroup
from knutpunkt.access.policy import Visibility
from knutpunkt.organisations.models import Role, RoleAssignment, User
from knutpunkt.registry.models import Case, Document, PersonalDataLevel
from tests.factories import AuthorityFactory, DiaryFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

# Authorities 0 and 1 belong to one organisation, 2 to another. Authority 0 keeps two
# diaries, so a role on it must cover both.
DIARY_AUTHORITY = (0, 0, 1, 2)
PARTS = ("title", "description", "parties", "files")


class Rollback(Exception):
    pass


@pytest.fixture
def world(db):
    org, other_org = OrganisationFactory(), OrganisationFactory()
    authorities = [AuthorityFactory(organisation=org), AuthorityFactory(organisation=org), AuthorityFactory(organisation=other_org)]
    diaries = [DiaryFactory(authority=authorities[a], prefix=f"P{i}") for i, a in enumerate(DIARY_AUTHORITY)]
    groups = [AccessGroup.objects.create(authority=a, name=f"Grupp {i}") for i, a in enumerate(authorities)]
    officer = UserFactory(username="handlaggaren")
    return authorities, diaries, groups, officer


protection = st.fixed_dictionaries(
    {
        "title_secret": st.booleans(),
        "description_secret": st.booleans(),
        "parties_secret": st.booleans(),
        "files_secret": st.booleans(),
        "personal_data_level": st.sampled_from(PersonalDataLevel.values),
        "restricted": st.booleans(),
    }
)
role_assignment = st.tuples(
    st.sampled_from(["diary", "authority"]),
    st.integers(0, 3),  # diary or authority index (mod 3 for authorities)
    st.sampled_from(Role.values),
)
reader_strategy = st.fixed_dictionaries(
    {
        "is_global_admin": st.sampled_from([False, False, False, True]),
        "is_superuser": st.sampled_from([False, False, False, False, False, True]),
        "is_active": st.sampled_from([True, True, True, True, False]),
        "roles": st.lists(role_assignment, min_size=1, max_size=3) | st.just([]),
        "groups": st.sets(st.integers(0, 2), max_size=2),
    }
)
case_strategy = st.tuples(
    st.integers(0, 3),  # diary
    protection,
    st.sampled_from(["reader", "other", None]),  # officer
    st.sets(st.integers(0, 2), max_size=2),  # access groups
)
document_strategy = st.tuples(
    st.integers(0, 3),  # diary (used when without a case)
    st.integers(-1, 7),  # index of its case, -1 = none (postlista)
    protection,
    st.sets(st.integers(0, 2), max_size=2),
)


def make_reader(spec, authorities, diaries, groups) -> User:
    user = User.objects.create(
        username="lasaren", is_global_admin=spec["is_global_admin"], is_superuser=spec["is_superuser"], is_active=spec["is_active"]
    )
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=user, role=role, diary=diaries[i] if scope == "diary" else None, authority=authorities[i % 3] if scope == "authority" else None)
        for scope, i, role in spec["roles"]
    )
    for g in spec["groups"]:
        groups[g].members.add(user)
    return user


def make_objects(case_specs, document_specs, diaries, groups, reader, officer):
    now = timezone.now()
    today = dt.date.today()
    cases = []
    for n, (d, prot, who, _) in enumerate(case_specs, start=1):
        cases.append(
            Case(
                diary=diaries[d], year=today.year, number=n, reference=f"P{d} {today.year}/{n}", title=f"Ärende {n}",
                opened_date=today, registered_at=now, registered_by=officer,
                officer={"reader": reader, "other": officer, None: None}[who], **prot,
            )
        )
    Case.objects.bulk_create(cases)
    Case.access_groups.through.objects.bulk_create(
        Case.access_groups.through(case_id=c.pk, accessgroup_id=groups[g].pk) for c, spec in zip(cases, case_specs) for g in spec[3]
    )
    documents = []
    for n, (d, ci, prot, _) in enumerate(document_specs, start=1):
        case = cases[ci % len(cases)] if ci >= 0 and cases else None
        documents.append(
            Document(
                case=case, diary=case.diary if case else diaries[d], number=n, reference=f"DOK {n}", direction="inkommande",
                title=f"Handling {n}", document_date=today, registered_at=now, registered_by=officer, **prot,
            )
        )
    Document.objects.bulk_create(documents)
    Document.access_groups.through.objects.bulk_create(
        Document.access_groups.through(document_id=doc.pk, accessgroup_id=groups[g].pk)
        for doc, spec in zip(documents, document_specs) for g in spec[3]
    )


# --- the oracle: the docstring's rules, from the drawn roles alone ----------------------

def roles_in(spec, diary_index: int) -> set[str]:
    if not spec["is_active"]:
        return set()
    held = set()
    for scope, i, role in spec["roles"]:
        if (scope == "diary" and i == diary_index) or (scope == "authority" and i % 3 == DIARY_AUTHORITY[diary_index]):
            held.add(role)
    return held


def is_admin(spec) -> bool:
    return spec["is_active"] and (spec["is_global_admin"] or spec["is_superuser"])


def oracle_visible(spec, diary_index) -> bool:
    return is_admin(spec) or bool(roles_in(spec, diary_index))


def oracle_full(spec, diary_index, obj, reader, reader_groups: set[int]) -> bool:
    if is_admin(spec):
        return True
    roles = roles_in(spec, diary_index)
    if not roles:
        return False
    caseworker = bool(roles & {Role.REGISTRATOR, Role.HANDLAGGARE})
    if not obj.restricted:
        if caseworker:
            return True
        return not obj.is_secret and obj.personal_data_level != PersonalDataLevel.PROTECTED
    case = obj if isinstance(obj, Case) else obj.case
    officer_id = case.officer_id if case is not None else None
    in_group = bool({g.pk for g in obj.access_groups.all()} & reader_groups)
    return officer_id == reader.pk or Role.REGISTRATOR in roles or in_group


def part_visible(view, part) -> bool:
    return view.full if part == "full" else getattr(view, part)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    spec=reader_strategy,
    case_specs=st.lists(case_strategy, min_size=3, max_size=12),
    document_specs=st.lists(document_strategy, max_size=10),
)
def test_database_filter_and_object_answer_agree_and_follow_the_rules(world, spec, case_specs, document_specs):
    authorities, diaries, groups, officer = world
    try:
        with transaction.atomic():
            reader = make_reader(spec, authorities, diaries, groups)
            make_objects(case_specs, document_specs, diaries, groups, reader, officer)
            check_everything(spec, reader, diaries)
            raise Rollback
    except Rollback:
        pass


def check_everything(spec, reader, diaries):
    index_of = {d.pk: i for i, d in enumerate(diaries)}
    group_ids = set(reader.access_groups.filter(active=True).values_list("pk", flat=True)) if spec["is_active"] else set()
    cases = list(Case.objects.select_related("diary").prefetch_related("access_groups"))
    documents = list(Document.objects.select_related("case").prefetch_related("access_groups"))

    for model, objects, kind, base_filter, view_of in (
        (Case, cases, "case", policy.case_filter, policy.case_view),
        (Document, documents, "document", policy.document_filter, policy.document_view),
    ):
        views = {o.pk: view_of(reader, o) for o in objects}
        visible = {pk for pk, v in views.items() if v.level != Visibility.HIDDEN}
        assert set(model.objects.filter(base_filter(reader)).values_list("pk", flat=True)) == visible, kind
        for part in (*PARTS, "full"):
            selected = set(model.objects.filter(base_filter(reader), policy.field_filter(reader, kind, part)).values_list("pk", flat=True))
            assert selected == {pk for pk in visible if part_visible(views[pk], part)}, (kind, part)
        visibility_of = policy.case_visibility if kind == "case" else policy.document_visibility
        for o in objects:
            view = views[o.pk]
            i = index_of[o.diary_id]
            assert (view.level != Visibility.HIDDEN) == oracle_visible(spec, i), (kind, o.reference, "visible")
            assert view.full == oracle_full(spec, i, o, reader, group_ids), (kind, o.reference, "full")
            if view.level == Visibility.MASKED:
                # Masked means something is held back, for a reason the object carries.
                assert o.restricted or o.is_secret or o.personal_data_level == PersonalDataLevel.PROTECTED
            assert visibility_of(reader, o) == view.level

    # Through a relation: documents whose case the reader may see. (For a global
    # administrator the filter is empty, so it also keeps rows without a case.)
    through_case = set(Document.objects.filter(policy.case_filter(reader, prefix="case__")).values_list("pk", flat=True))
    case_visible = {c.pk for c in cases if policy.case_visibility(reader, c) != Visibility.HIDDEN}
    assert through_case == {d.pk for d in documents if d.case_id in case_visible or (d.case_id is None and is_admin(spec))}

    for i, diary in enumerate(diaries):
        roles = roles_in(spec, i)
        assert policy.may_register_in(reader, diary) == (is_admin(spec) or bool(roles & {Role.REGISTRATOR, Role.HANDLAGGARE})), diary.prefix
        assert policy.may_void(reader, diary.pk) == (is_admin(spec) or Role.REGISTRATOR in roles), diary.prefix
    readable = {d.pk for d in policy.readable_diaries(reader)}
    assert readable == {d.pk for i, d in enumerate(diaries) if oracle_visible(spec, i)}
    registrable = policy.registrable_diary_ids(reader)
    if is_admin(spec):
        assert registrable is None
    else:
        assert registrable == {d.pk for i, d in enumerate(diaries) if roles_in(spec, i) & {Role.REGISTRATOR, Role.HANDLAGGARE}}


def test_a_role_on_an_authority_covers_all_its_diaries_and_nothing_else(world):
    from tests.factories import user_with_authority_role

    authorities, diaries, groups, officer = world
    reader = user_with_authority_role(authorities[0], Role.LASARE)
    assert {d.pk for d in policy.readable_diaries(reader)} == {diaries[0].pk, diaries[1].pk}
    assert not policy.may_register_in(reader, diaries[0])


# --- every combination, for every kind of reader -------------------------------------
# Random examples can miss a narrow rule (a handläggare on a restricted case, …); this
# walks all of them once: each secrecy combination × restricted × personal-data level
# × officer × access group, in a diary where the reader has the role and in one where
# they have none.

SECRECY_COMBINATIONS = [
    {},
    {"title_secret": True},
    {"description_secret": True},
    {"parties_secret": True},
    {"files_secret": True},
]
READERS = {
    f"{role}-{scope}": {"is_global_admin": False, "is_superuser": False, "is_active": True, "roles": [(scope, 0, role)], "groups": {0}}
    for role in Role.values
    for scope in ("diary", "authority")
} | {
    "lasare-no-group": {"is_global_admin": False, "is_superuser": False, "is_active": True, "roles": [("diary", 0, Role.LASARE)], "groups": set()},
    "handlaggare-no-group": {"is_global_admin": False, "is_superuser": False, "is_active": True, "roles": [("diary", 0, Role.HANDLAGGARE)], "groups": set()},
    "lasare-and-registrator-elsewhere": {
        "is_global_admin": False, "is_superuser": False, "is_active": True,
        "roles": [("diary", 0, Role.LASARE), ("diary", 2, Role.REGISTRATOR)], "groups": {0},
    },
    "global-admin": {"is_global_admin": True, "is_superuser": False, "is_active": True, "roles": [], "groups": set()},
    "superuser": {"is_global_admin": False, "is_superuser": True, "is_active": True, "roles": [], "groups": set()},
    "inactive-registrator": {"is_global_admin": False, "is_superuser": False, "is_active": False, "roles": [("diary", 0, Role.REGISTRATOR)], "groups": {0}},
    "no-role": {"is_global_admin": False, "is_superuser": False, "is_active": True, "roles": [], "groups": {0}},
}


@pytest.mark.parametrize("name", sorted(READERS))
def test_every_combination(world, name):
    authorities, diaries, groups, officer = world
    spec = READERS[name]
    reader = make_reader(spec, authorities, diaries, groups)
    case_specs, document_specs = [], []
    for diary in (0, 1, 2):
        for secret in SECRECY_COMBINATIONS:
            for restricted in (False, True):
                for level in PersonalDataLevel.values:
                    for who in ("reader", "other", None):
                        for group_ids in (set(), {0}):
                            prot = {"title_secret": False, "description_secret": False, "parties_secret": False, "files_secret": False,
                                    "personal_data_level": level, "restricted": restricted, **secret}
                            case_specs.append((diary, prot, who, group_ids))
                            document_specs.append((diary, len(document_specs), prot, group_ids))
                            if who is None:
                                document_specs.append((diary, -1, prot, group_ids))
    make_objects(case_specs, document_specs, diaries, groups, reader, officer)
    check_everything(spec, reader, diaries)
