"""The index follows the registry through outbox events, and `knutpunkt reindex`
rebuilds it."""

import io

import pytest
from django.core.management import call_command

from knutpunkt.files import services as files
from knutpunkt.organisations.models import Role
from knutpunkt.registry import secrecy, services
from knutpunkt.registry.models import Case, CaseEvent
from knutpunkt.search.engine import get_engine
from knutpunkt.search.models import ExtractedText
from knutpunkt.search.queries import indexed_match_q, search_cases
from knutpunkt.search.parsing import parse
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def indexed(user, text):
    """Only what the index finds (not the at-once matching of unindexed changes)."""
    return list(Case.objects.filter(indexed_match_q(user, parse(text))).values_list("pk", flat=True))


def test_register_dispatch_searchable(diary, registrator, dispatch):
    case = services.register_case(diary, actor=registrator, title="Serveringstillstånd Kafé Ängen")
    assert indexed(registrator, "ängen") == []
    dispatch()
    assert indexed(registrator, "ängen") == [case.pk]


def test_changes_are_reindexed(diary, registrator, dispatch):
    case = services.register_case(diary, actor=registrator, title="Gammal rubrik")
    dispatch()
    services.update_case(case, actor=registrator, reason="Fel", title="Ny rubrik om vindkraft")
    dispatch()
    assert indexed(registrator, "vindkraft") == [case.pk]
    assert indexed(registrator, "gammal") == []


def test_change_of_marking_takes_effect(diary, registrator, provision, dispatch):
    case = services.register_case(diary, actor=registrator, title="Orosanmälan gällande Pelle")
    dispatch()
    reader = user_with_role(diary, Role.LASARE)
    assert indexed(reader, "pelle") == [case.pk]
    secrecy.set_marking(case, actor=registrator, provisions=[provision], secret_parts={"title"}, reason="SoL", public_title="Orosanmälan")
    assert CaseEvent.objects.filter(case=case, type="case.secrecy_marked", dispatched_at__isnull=True).exists()
    # Visibility is the policy's, at query time: hidden from the reader even before the worker ran …
    assert [c.pk for c in search_cases(reader, "pelle").items] == []
    dispatch()
    assert not CaseEvent.objects.filter(case=case, dispatched_at__isnull=True).exists()
    assert indexed(reader, "pelle") == []
    assert indexed(reader, "orosanmälan") == [case.pk]
    secrecy.revoke_marking(case, actor=registrator, reason="Upphört")
    dispatch()
    assert indexed(reader, "pelle") == [case.pk]


def test_party_and_file_events(diary, registrator, dispatch):
    from knutpunkt.registry.models import Party

    case = services.register_case(diary, actor=registrator, title="Ärende")
    party = Party.objects.create(organisation=diary.authority.organisation, kind="organisation", organisation_name="Byggbolaget AB")
    services.add_party(case, party, "sokande", actor=registrator)
    doc = services.register_document(actor=registrator, case=case, direction="inkommande", title="Brev")
    files.add_file(doc, io.BytesIO("Vi begär förlängd tidsfrist för solceller.".encode()), "brev.txt", actor=registrator)
    dispatch()
    assert indexed(registrator, "byggbolaget") == [case.pk]
    assert indexed(registrator, "solceller") == [case.pk]
    assert ExtractedText.objects.count() == 1
    services.remove_party(case, party, "sokande", actor=registrator, reason="Fel part")
    dispatch()
    assert indexed(registrator, "byggbolaget") == []


def test_reindex_command_rebuilds(diary, registrator, dispatch):
    cases = [services.register_case(diary, actor=registrator, title=f"Ärende nummer {i} om skolval") for i in range(7)]
    services.register_document(actor=registrator, case=cases[0], direction="upprattad", title="Beslut om skolplacering")
    CaseEvent.objects.update(dispatched_at="2026-01-01T00:00:00Z")  # as if delivered, but the index is empty
    engine = get_engine()
    engine.clear("cases")
    assert indexed(registrator, "skolval") == []
    out = io.StringIO()
    call_command("reindex", batch=3, stdout=out)
    assert sorted(indexed(registrator, "skolval")) == sorted(c.pk for c in cases)
    assert indexed(registrator, "skolplacering") == [cases[0].pk]
    assert engine.count("cases") == Case.objects.count() and engine.count("documents") == 1
    assert "cases: 7/7" in out.getvalue() and "documents: 1 indexerade" in out.getvalue()
    call_command("reindex", collection="cases", stdout=io.StringIO())  # again: no duplicates
    assert engine.count("cases") == 7
