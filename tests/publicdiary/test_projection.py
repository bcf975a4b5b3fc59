"""The published projection: what is published, what never is, and when."""

import datetime as dt

import pytest
from django.core.management import call_command

from knutpunkt.access.models import PersonalDataLevel
from knutpunkt.publicdiary import services
from knutpunkt.publicdiary.models import PublishedEntry
from knutpunkt.publicdiary.tasks import publish_object
from knutpunkt.registry import secrecy
from knutpunkt.registry import services as registry
from knutpunkt.registry.models import Correspondent, Document, Party
from tests.factories import DiaryFactory, PartyFactory

pytestmark = pytest.mark.django_db


def entry_of(obj):
    kind = "document" if isinstance(obj, Document) else "case"
    return PublishedEntry.objects.filter(kind=kind, object_id=obj.pk).first()


@pytest.fixture
def case(diary, registrator, publication):
    return registry.register_case(diary, actor=registrator, title="Bygglov för nybyggnad av förråd")


def org_party(diary, name="Byggbolaget AB", org_number="5560360793"):
    return PartyFactory(organisation=diary.authority.organisation, kind=Party.Kind.ORGANISATION, organisation_name=name,
                        org_number=org_number, first_name="", last_name="")


def test_registered_case_and_document_are_published_through_events(diary, registrator, case, deliver):
    doc = registry.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING, title="Ansökan")
    deliver()
    entry = entry_of(case)
    assert entry.public_title == "Bygglov för nybyggnad av förråd"
    assert entry.authority_name == diary.authority.name and entry.diary_prefix == "KS"
    d = entry_of(doc)
    assert d.case_reference == case.reference and d.case_object_id == case.pk and d.direction == "inkommande"


def test_secret_title_publishes_the_offentlig_rubrik(case, registrator, provision, deliver):
    secrecy.set_marking(case, actor=registrator, provisions=[provision], secret_parts={"title"}, reason="SoL",
                        public_title="Ansökan om bistånd")
    services.project(case)
    assert entry_of(case).public_title == "Ansökan om bistånd"


def test_correspondents_only_legal_persons(diary, registrator, case):
    person = PartyFactory(organisation=diary.authority.organisation, first_name="Kalle", last_name="Privat",
                          personal_number="191212121212")
    firm = org_party(diary, name="Kalles Snickeri", org_number="1912121212")  # enskild firma: a personnummer
    company = org_party(diary)
    hidden = org_party(diary, name="Skyddat AB", org_number="5560360793")
    hidden.is_protected_identity = True
    hidden.save()
    doc = registry.register_document(
        actor=registrator, case=case, direction=Document.Direction.INCOMING, title="Yttrande",
        correspondents=[(person, Correspondent.Role.SENDER), (firm, Correspondent.Role.SENDER),
                        (company, Correspondent.Role.SENDER), (hidden, Correspondent.Role.SENDER)],
    )
    services.project(doc)
    assert entry_of(doc).correspondent == "Byggbolaget AB"


def test_secret_parties_hide_even_organisations(diary, registrator, case, provision):
    doc = registry.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING, title="Anbud",
                                     correspondents=[(org_party(diary), Correspondent.Role.SENDER)])
    secrecy.set_marking(doc, actor=registrator, provisions=[provision], secret_parts={"parties"}, reason="x")
    services.project(doc)
    assert entry_of(doc).correspondent == ""


@pytest.mark.parametrize("level", [PersonalDataLevel.EXTERNAL, PersonalDataLevel.PROTECTED])
def test_protected_personal_data_never_published_and_removed_at_once(case, registrator, deliver, level):
    deliver()
    assert entry_of(case) is not None
    secrecy.set_personal_data_level(case, level, actor=registrator, reason="Personuppgifter")
    deliver()  # the subscriber removes it, without waiting for any delay
    assert entry_of(case) is None


def test_restricted_and_voided_never_published(diary, registrator, case, deliver):
    doc = registry.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING, title="A")
    deliver()
    assert entry_of(doc) is not None
    secrecy.set_restriction(case, actor=registrator, restricted=True, reason="Personalärende")
    deliver()
    assert entry_of(case) is None and entry_of(doc) is None, "a restricted case takes its documents with it"
    other = registry.register_case(diary, actor=registrator, title="Felregistrerat")
    deliver()
    registry.void_case(other, actor=registrator, reason="Fel")
    deliver()
    assert entry_of(other) is None


def test_marking_a_title_secret_without_public_title_is_never_published(case):
    # secrecy.set_marking refuses this; the rule still does not rely on it.
    case.title_secret, case.public_title = True, ""
    assert "sekretessbelagd rubrik utan offentlig rubrik" in services.reasons_not_published(case)


def test_delay_respected(diary, registrator, publication, deliver, later):
    publication.delay_hours = 24
    publication.save()
    case = registry.register_case(diary, actor=registrator, title="Väntar")
    deliver()
    assert entry_of(case) is None
    assert publish_object.call("case", str(case.pk)) == "waiting"
    later(23)
    assert publish_object.call("case", str(case.pk)) == "waiting"
    later(25)
    assert publish_object.call("case", str(case.pk)) == "published"
    assert entry_of(case) is not None


def test_deferred_backend_gets_run_after_the_due_time(diary, registrator, publication, settings):
    from django_tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # resets task_backends
    publication.delay_hours = 24
    publication.save()
    case = registry.register_case(diary, actor=registrator, title="Väntar")
    outcome = services.refresh(case)
    backend = task_backends["default"]
    runs = [r for r in backend.results if r.task.name == "publish_object"]
    assert outcome.waiting and runs
    assert runs[-1].task.run_after == outcome.due
    case.refresh_from_db()
    assert outcome.due == max(case.registered_at, case.updated_at) + dt.timedelta(hours=24)


def test_other_authority_and_unpublished_diary(registrator, case, publication):
    other = DiaryFactory(prefix="SN")
    assert "myndigheten publicerar inte sitt diarium" in services.reasons_not_published(
        registry.register_case(other, actor=_registrator(other), title="x"))
    publication.diaries.add(DiaryFactory(authority=publication.authority, prefix="BN"))
    assert "diariet publiceras inte" in services.reasons_not_published(case)
    publication.diaries.clear()
    publication.published_from = dt.date.today() + dt.timedelta(days=1)
    publication.save()
    assert "registrerad före publiceringsstarten" in services.reasons_not_published(case)


def _registrator(diary):
    from tests.factories import user_with_role

    return user_with_role(diary)


def test_identity_numbers_cut_from_titles(diary, registrator, publication):
    case = registry.register_case(diary, actor=registrator, title="Ansökan från 19121212-1212 och 556036-0793")
    services.project(case)
    title = entry_of(case).public_title
    assert "19121212-1212" not in title and "121212-1212" not in title and "556036-0793" in title


def test_publish_diary_command_rebuilds(diary, registrator, case, capsys):
    PublishedEntry.objects.all().delete()
    call_command("publish_diary", "--rebuild")
    assert entry_of(case) is not None
    assert "Publicerade: 1" in capsys.readouterr().out
    diary.authority.publication.enabled = False
    diary.authority.publication.save()
    call_command("publish_diary")
    assert entry_of(case) is None
