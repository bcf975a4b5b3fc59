"""The journal report (diarieutdrag) under secrecy: masked rows keep their reference,
dates and direction but show the offentlig rubrik and no names; hidden rows are absent;
a skyddad identitet is named only with the right (and that is audited); no address ever."""

import datetime as dt
import re
import shutil
import subprocess

import pytest

from knutpunkt.access.models import AccessGroup, LegalProvision
from knutpunkt.core.models import AuditEntry
from knutpunkt.organisations.models import Role, RoleAssignment
from knutpunkt.registry import journal, secrecy, services
from knutpunkt.registry.models import Correspondent
from knutpunkt.registry.parties import PartyInput, find_or_create_party
from tests.factories import DiaryFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

SECRET = "Järnspett9Q"   # in secret titles and party names
ADDRESS = "Gömstigen 9Q"  # a private person's address
TODAY = dt.date.today()


def text_of_pdf(pdf: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it, with words hyphenated at a line
    end (the report hyphenates narrow columns) joined again."""
    assert pdf.startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(re.sub("\u2010\\s+", "", text).split())


@pytest.fixture
def world(diary, registrator, document_type):
    org = diary.authority.organisation
    sol = LegalProvision.objects.get(organisation=None, reference="26 kap. 1 §")
    person = find_or_create_party(org, PartyInput(kind="person", first_name="Kalle", last_name=SECRET,
                                                  contact={"street_address": ADDRESS}))
    shielded = find_or_create_party(org, PartyInput(kind="person", first_name="Skyddad", last_name=f"Person{SECRET}",
                                                    is_protected_identity=True, contact={"street_address": ADDRESS}))
    open_sender = find_or_create_party(org, PartyInput(kind="person", first_name="Öppen", last_name="Avsändare",
                                                       contact={"street_address": ADDRESS}))

    social = services.register_case(diary, actor=registrator, title=f"Ekonomiskt bistånd {SECRET}")
    secrecy.set_marking(social, actor=registrator, provisions=[sol], secret_parts={"title", "parties"}, reason="SoL",
                        public_title="Ansökan om ekonomiskt bistånd")
    application = services.register_document(actor=registrator, case=social, direction="inkommande", title=f"Ansökan {SECRET}",
                                             document_type=document_type, correspondents=[(person, Correspondent.Role.SENDER)])
    secrecy.set_marking(application, actor=registrator, provisions=[sol], secret_parts={"title", "parties"}, reason="SoL",
                        public_title="Ansökan")

    open_case = services.register_case(diary, actor=registrator, title="Bygglov Ekbacken 1:2")
    letter = services.register_document(
        actor=registrator, case=open_case, direction="inkommande", title="Ansökan om bygglov", document_type=document_type,
        correspondents=[(open_sender, Correspondent.Role.SENDER), (shielded, Correspondent.Role.SENDER)],
    )
    staff = services.register_case(diary, actor=registrator, title="Personalutredning")
    memo = services.register_document(actor=registrator, case=staff, direction="upprattad", title="Utredning",
                                      correspondents=[(person, Correspondent.Role.RECIPIENT)])
    group = AccessGroup.objects.create(authority=diary.authority, name="HR")
    secrecy.set_restriction(memo, actor=registrator, restricted=True, access_groups=[group], reason="Personalärende")
    return {"application": application, "letter": letter, "memo": memo, "group": group}


def rows_by_reference(user, diary):
    return {r["reference"]: r for r in journal.journal_rows(user, diary, TODAY, TODAY)}


def test_a_readers_rows_are_masked_field_by_field(diary, world, registrator):
    reader = user_with_role(diary, Role.LASARE)
    rows = rows_by_reference(reader, diary)
    assert len(rows) == 3  # masked rows are listed, not dropped
    application = rows[world["application"].reference]
    assert application["masked"] and application["title"] == "Ansökan"
    assert application["case_title"] == "Ansökan om ekonomiskt bistånd"
    assert application["correspondents"] == "" and application["document_type"] == ""
    assert application["direction_label"] == "Inkommande" and application["registered_date"] == TODAY
    letter = rows[world["letter"].reference]
    assert not letter["masked"] and letter["correspondents"] == "Öppen Avsändare; Skyddad identitet"
    assert letter["document_type"]
    memo = rows[world["memo"].reference]
    assert memo["masked"] and memo["title"] == "Utredning" and memo["correspondents"] == ""  # restricted: no names


def test_a_readers_csv_and_pdf_show_public_titles_only(diary, world):
    reader = user_with_role(diary, Role.LASARE)
    csv_text = journal.journal_csv(reader, diary, TODAY, TODAY)
    html = journal.journal_html(reader, diary, TODAY, TODAY)
    texts = [csv_text, html]
    if shutil.which("pdftotext"):
        texts.append(text_of_pdf(journal.journal_pdf(reader, diary, TODAY, TODAY)))
    for text in texts:
        assert "Ansökan om ekonomiskt bistånd" in text and world["application"].reference in text
        assert SECRET not in text and ADDRESS not in text and "Skyddad Person" not in text
        assert "Skyddad identitet" in text


def test_a_caseworker_outside_the_group_and_an_outsider(diary, world):
    colleague = user_with_role(diary, Role.HANDLAGGARE)
    rows = rows_by_reference(colleague, diary)
    # The marked case is the caseworker's to see in full; the restricted memo is not.
    assert rows[world["application"].reference]["correspondents"] == f"Kalle {SECRET}"
    assert rows[world["memo"].reference]["masked"] and rows[world["memo"].reference]["correspondents"] == ""
    member = user_with_role(diary, Role.HANDLAGGARE)
    world["group"].members.add(member)
    assert rows_by_reference(member, diary)[world["memo"].reference]["correspondents"] == f"Kalle {SECRET}"
    for outsider in (UserFactory(), user_with_role(DiaryFactory(authority__organisation=diary.authority.organisation), Role.REGISTRATOR)):
        assert journal.journal_rows(outsider, diary, TODAY, TODAY) == []
        assert SECRET not in journal.journal_csv(outsider, diary, TODAY, TODAY)


def test_protected_identity_named_only_with_the_right_and_audited(diary, world):
    entitled = user_with_role(diary, Role.REGISTRATOR)
    RoleAssignment.objects.filter(user=entitled).update(protected_identity_access=True)
    before = AuditEntry.objects.filter(action="party.identity_read").count()
    rows = rows_by_reference(entitled, diary)
    assert rows[world["letter"].reference]["correspondents"] == f"Öppen Avsändare; Skyddad Person{SECRET}"
    assert AuditEntry.objects.filter(action="party.identity_read", actor=entitled).count() == before + 1
    assert ADDRESS not in journal.journal_csv(entitled, diary, TODAY, TODAY)
