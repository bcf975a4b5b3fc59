"""The batched projection (`publish-diary`, publicdiary.bulk) against the per-object one
(publicdiary.services.project, which the event subscriber runs): for the same registry
and settings they must give the same rows and the same public search collection —
whatever is secret, restricted, voided, protected, old or in an unpublished diary."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from knutpunkt.access.models import PersonalDataLevel
from knutpunkt.core import clock
from knutpunkt.publicdiary import bulk, search_index, services
from knutpunkt.publicdiary.models import PublishedEntry
from knutpunkt.registry import services as registry
from knutpunkt.registry.models import Case, Correspondent, Document, Party
from knutpunkt.search.engine import get_engine
from tests.factories import DiaryFactory, PartyFactory, UnitFactory

pytestmark = pytest.mark.django_db

COLUMNS = ["kind", "object_id", *bulk.PUBLIC_COLUMNS]


def rows() -> dict:
    """The projection without its ids and timestamps, keyed by object_id."""
    return {r["object_id"]: r for r in PublishedEntry.objects.values(*COLUMNS)}


def collection() -> dict:
    """What the public search collection holds, for the projection's keys."""
    keys = list(PublishedEntry.objects.values_list("object_id", flat=True))
    return get_engine().stored("public", keys, ["reference", "title", "correspondent"])


def project_each() -> None:
    """The per-event path, for every object in the registry."""
    for obj in [*Case.objects.all(), *Document.objects.all()]:
        services.project(obj)


def empty() -> None:
    search_index.clear()
    PublishedEntry.objects.all().delete()


def assert_in_step() -> None:
    """Every entry is in the collection with its public fields, and nothing else is."""
    assert get_engine().count("public") == PublishedEntry.objects.count()
    for entry in PublishedEntry.objects.all():
        stored = get_engine().stored("public", [entry.object_id], ["reference", "title", "correspondent"])[str(entry.object_id)]
        assert stored == search_index.fields_of(entry)


# --- the registry an example describes ----------------------------------------------------

TITLES = st.sampled_from([
    "Bygglov för carport", "Ansökan från 19121212-1212", "  ", "Yttrande 556036-0793", "Åtgärd på Öster", "Hemlig <b>titel</b>",
])
PUBLIC_TITLES = st.sampled_from(["", "  ", "Ansökan om bistånd", "Offentlig 121212-1212"])
# Weighted towards publishable, so that most examples publish something and every way
# of not publishing still comes up.
MOSTLY_NOT = st.sampled_from([False, False, False, True])
FLAGS = st.fixed_dictionaries({
    "title": TITLES,
    "public_title": PUBLIC_TITLES,
    "title_secret": st.booleans(),
    "parties_secret": MOSTLY_NOT,
    "restricted": MOSTLY_NOT,
    "personal_data_level": st.sampled_from([PersonalDataLevel.PUBLISHABLE] * 4 + list(PersonalDataLevel.values)),
    "voided": MOSTLY_NOT,
    "days_ago": st.sampled_from([0, 0, 3, 400, 1200]),
    "diary": st.sampled_from(["KS", "KS", "BN", "other"]),
})
CORRESPONDENTS = st.lists(st.sampled_from(["company", "firm", "person", "protected", "company2"]), max_size=3, unique=True)
WORLD = st.fixed_dictionaries({
    "cases": st.lists(
        st.tuples(FLAGS, st.booleans(), st.lists(st.tuples(FLAGS, CORRESPONDENTS), max_size=2)), min_size=1, max_size=3,
    ),
    "loose": st.lists(st.tuples(FLAGS, CORRESPONDENTS), max_size=1),
    "enabled": st.sampled_from([True, True, True, False]),
    "chosen": st.sampled_from([(), (), ("KS",), ("BN",), ("KS", "BN")]),
    "published_from_days_ago": st.sampled_from([None, None, 10, 1000]),
    "years_back": st.sampled_from([None, None, 0, 2]),
    "delay_hours": st.sampled_from([0, 0, 0, 24]),
})
CHANGES = st.lists(st.tuples(st.integers(0, 20), FLAGS), max_size=4)


class World:
    def __init__(self, diary, registrator, publication):
        self.diaries = {"KS": diary, "BN": DiaryFactory(authority=diary.authority, prefix="BN"), "other": DiaryFactory(prefix="SN")}
        from tests.factories import user_with_role

        self.users = {name: registrator if name == "KS" else user_with_role(d) for name, d in self.diaries.items()}
        self.publication = publication
        self.unit = UnitFactory(organisation=diary.authority.organisation, authority=diary.authority)
        org = diary.authority.organisation

        def organisation(name, number, protected=False):
            return PartyFactory(organisation=org, kind=Party.Kind.ORGANISATION, organisation_name=name, org_number=number,
                                first_name="", last_name="", is_protected_identity=protected)

        self.parties = {
            "company": organisation("Byggbolaget AB", "5560360793"),
            "company2": organisation("Arkitekterna AB", "5566778899"),
            "firm": organisation("Kalles Snickeri", "1912121212"),
            "protected": organisation("Skyddat AB", "5560360793", protected=True),
            "person": PartyFactory(organisation=org, first_name="Privat", last_name="Person", personal_number="191212121212"),
        }

    def settings(self, spec):
        pub = self.publication
        pub.enabled = spec["enabled"]
        pub.delay_hours = spec["delay_hours"]
        pub.years_back = spec["years_back"]
        days = spec["published_from_days_ago"]
        pub.published_from = None if days is None else clock.today() - dt.timedelta(days=days)
        pub.save()
        pub.diaries.set([self.diaries[name] for name in spec["chosen"]])

    def build(self, spec) -> list:
        made = []
        for flags, with_unit, documents in spec["cases"]:
            name = flags["diary"]
            case = registry.register_case(self.diaries[name], actor=self.users[name], title="Ärende",
                                          responsible_unit=self.unit if with_unit and name != "other" else None)
            made.append((case, flags))
            for doc_flags, correspondents in documents:
                doc = registry.register_document(
                    actor=self.users[name], case=case, direction=Document.Direction.INCOMING, title="Handling",
                    correspondents=[(self.parties[c], Correspondent.Role.SENDER) for c in correspondents],
                )
                made.append((doc, doc_flags))
        for flags, correspondents in spec["loose"]:
            name = flags["diary"]
            doc = registry.register_document(
                actor=self.users[name], diary=self.diaries[name], direction=Document.Direction.OUTGOING, title="Lös handling",
                correspondents=[(self.parties[c], Correspondent.Role.RECIPIENT) for c in correspondents],
            )
            made.append((doc, flags))
        for obj, flags in made:
            self.apply(obj, flags)
        return [obj for obj, _ in made]

    @staticmethod
    def apply(obj, flags) -> None:
        """Set the fields as a later marking would — without touching updated_at, so
        whether the delay has passed does not change (see test_incremental_...)."""
        registered = timezone.now() - dt.timedelta(days=flags["days_ago"], hours=1)
        type(obj).objects.filter(pk=obj.pk).update(
            title=flags["title"], public_title=flags["public_title"], title_secret=flags["title_secret"],
            parties_secret=flags["parties_secret"], restricted=flags["restricted"],
            personal_data_level=flags["personal_data_level"], voided_at=timezone.now() if flags["voided"] else None,
            registered_at=registered,
        )


@pytest.fixture
def world(diary, registrator, publication):
    return World(diary, registrator, publication)


EXAMPLES = hsettings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@EXAMPLES
@given(spec=WORLD)
def test_batched_and_per_object_projection_give_the_same_rows(world, spec):
    empty()
    world.settings(spec)
    world.build(spec)
    project_each()
    per_object, per_object_index = rows(), collection()
    event(f"published: {min(len(per_object), 3)}")
    empty()
    services.publish_all(rebuild=True, batch=3)  # small windows: many batch edges
    assert rows() == per_object
    assert collection() == per_object_index
    assert_in_step()


@EXAMPLES
@given(spec=WORLD, changes=CHANGES)
def test_incremental_run_follows_changes_as_the_events_would(world, spec, changes):
    """From a published state, change markings, then bring the projection in step with
    publish-diary (no rebuild) or object by object: the same rows, the same index, and
    entries whose object vanished are gone."""
    empty()
    world.settings(spec)
    objects = world.build(spec)
    project_each()
    for index, flags in changes:
        World.apply(objects[index % len(objects)], flags)
    stray = uuid.uuid4()  # an entry whose registry row does not exist (any key range)
    PublishedEntry.objects.create(
        kind="case", object_id=stray, reference="X 1/1", registered_at=timezone.now(), registered_on=clock.today(),
        authority=world.publication.authority, authority_name="x", diary_prefix="X", diary_name="x", public_title="Kvar",
        published_at=timezone.now(), updated_at=timezone.now(),
    )
    search_index.add(PublishedEntry.objects.get(object_id=stray))
    services.publish_all(batch=2)
    incremental, incremental_index = rows(), collection()
    assert stray not in incremental
    empty()
    project_each()
    assert incremental == rows()
    assert incremental_index == collection()


def test_waiting_change_keeps_the_published_entry_until_due(diary, registrator, publication, later):
    case = registry.register_case(diary, actor=registrator, title="Publicerad rubrik")
    services.publish_all()
    publication.delay_hours = 24
    publication.save()
    Case.objects.filter(pk=case.pk).update(title="Ny rubrik", updated_at=timezone.now())
    assert services.publish_all()["waiting"] == 1
    assert PublishedEntry.objects.get(object_id=case.pk).public_title == "Publicerad rubrik"
    later(25)
    services.publish_all()
    assert PublishedEntry.objects.get(object_id=case.pk).public_title == "Ny rubrik"
    assert search_index.match("ny") is not None and get_engine().count("public") == 1
    assert_in_step()


def test_authority_that_stops_publishing_leaves_nothing_behind(diary, registrator, publication):
    for n in range(5):
        case = registry.register_case(diary, actor=registrator, title=f"Ärende {n}")
        registry.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING, title="Brev")
    counts = services.publish_all(batch=3)
    assert counts["published"] == 10 and get_engine().count("public") == 10
    publication.enabled = False
    publication.save()
    counts = services.publish_all(batch=3)
    assert counts["removed"] == 10
    assert PublishedEntry.objects.count() == 0 and get_engine().count("public") == 0


def test_unchanged_entries_are_not_written_again(diary, registrator, publication):
    registry.register_case(diary, actor=registrator, title="Samma")
    services.publish_all()
    stamp = PublishedEntry.objects.get().updated_at
    assert services.publish_all()["written"] == 0
    assert PublishedEntry.objects.get().updated_at == stamp


def test_queries_per_batch_do_not_grow_with_the_batch(diary, registrator, publication):
    """Every row the rule reads is loaded with its batch (CASE_FIELDS, DOCUMENT_FIELDS,
    the cached diaries and units): no query per object."""
    company = PartyFactory(organisation=diary.authority.organisation, kind=Party.Kind.ORGANISATION,
                           organisation_name="Bolaget AB", org_number="5560360793", first_name="", last_name="")

    def make(n):
        for i in range(n):
            case = registry.register_case(diary, actor=registrator, title=f"Ärende {i}")
            registry.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING, title="Brev",
                                       correspondents=[(company, Correspondent.Role.SENDER)])

    def queries():
        empty()
        with CaptureQueriesContext(connection) as ctx:
            services.publish_all(batch=1000)
        return len(ctx.captured_queries)

    make(2)
    few = queries()
    make(20)
    assert queries() == few
