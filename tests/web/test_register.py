"""The registration form: one submit creates case, document, parties and files — or,
when a rule says no, nothing at all, with the Swedish message at the field."""

import datetime as dt

import pytest
from django.urls import reverse

from knutpunkt.files.models import File
from knutpunkt.registry.models import Case, Correspondent, Document, Party
from tests.web.conftest import upload

pytestmark = pytest.mark.django_db
YEAR = dt.date.today().year


def form_data(the_diary, **overrides):
    data = {
        "mode": "nytt",
        "diary": str(the_diary.pk),
        "case_title": "Bygglov för garage",
        "case_description": "",
        "case_reference": "",
        "process": "",
        "case_type": "",
        "officer": "",
        "direction": "inkommande",
        "document_title": "Ansökan om bygglov",
        "document_type": "",
        "document_date": dt.date.today().isoformat(),
        "sender_kind": "person",
        "sender_first_name": "Tolvan",
        "sender_last_name": "Tolvansson",
        "sender_personal_number": "19121212-1212",
        "sender_street_address": "Storgatan 1",
        "sender_postal_code": "123 45",
        "sender_city": "Exempelby",
        "sender_email": "tolvan@example.se",
        "sender_is_party": "on",
        "sender_party_role": "sokande",
    }
    data.update(overrides)
    return data


def post(client, data, files=None):
    payload = dict(data)
    if files is not None:
        payload["files"] = files
    return client.post(reverse("web:register"), payload)


def assert_nothing_saved():
    assert Case.objects.count() == 0
    assert Document.objects.count() == 0
    assert File.objects.count() == 0


def test_register_new_case_with_document_sender_and_files(reg_client, diary, process, case_type, document_type):
    data = form_data(diary, process=str(process.pk), case_type=str(case_type.pk), document_type=str(document_type.pk))
    response = post(reg_client, data, files=[upload("ansökan.pdf"), upload("karta.txt", b"karta", "text/plain")])
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("web:case_detail", args=[case.pk])
    assert case.reference == f"KS {YEAR}/1" and case.title == "Bygglov för garage"
    assert case.process == process and case.case_type == case_type
    document = case.documents.get()
    assert document.reference == f"KS {YEAR}/1-1" and document.document_type == document_type
    assert sorted(File.objects.values_list("name", flat=True)) == ["ansökan.pdf", "karta.txt"]
    party = Party.objects.get()
    assert party.personal_number == "191212121212" and party.email == "tolvan@example.se"
    assert case.case_parties.get().party == party
    assert document.correspondents.get().role == Correspondent.Role.SENDER

    page = reg_client.get(response.url).content.decode()
    assert f"Ärendet KS {YEAR}/1 är registrerat, med handlingen KS {YEAR}/1-1 med 2 filer." in page
    assert "19121212-1212" in page  # personnummer shown formatted
    assert "ansökan.pdf" in page and "karta.txt" in page


def test_register_into_existing_case_by_reference(reg_client, diary, case):
    data = form_data(diary, mode="befintligt", case_reference=f"ks {YEAR}/1", diary="", sender_personal_number="")
    response = post(reg_client, data, files=[upload()])
    assert response.status_code == 302 and response.url == reverse("web:case_detail", args=[case.pk])
    assert Case.objects.count() == 1
    assert case.documents.get().reference == f"{case.reference}-1"
    page = reg_client.get(response.url).content.decode()
    assert f"Handlingen {case.reference}-1 med 1 fil är registrerad i ärendet {case.reference}." in page


def test_unknown_case_reference_is_shown_at_the_field(reg_client, diary):
    response = post(reg_client, form_data(diary, mode="befintligt", case_reference=f"KS {YEAR}/99"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Hittade inget ärende med diarienumret ”KS {YEAR}/99”" in html
    assert 'aria-invalid="true"' in html and 'id="id_case_reference_error"' in html
    assert_nothing_saved()


def test_register_without_case(reg_client, diary):
    response = post(reg_client, form_data(diary, mode="utan", case_title=""), files=[upload()])
    document = Document.objects.get()
    assert Case.objects.count() == 0 and document.case is None
    assert document.reference == f"KS {YEAR}/H1"
    assert response.url == reverse("web:document_detail", args=[document.pk])
    assert "utan ärende (postlista)" in reg_client.get(response.url).content.decode()


def test_organisation_as_sender(reg_client, diary):
    data = form_data(diary, sender_kind="organisation", sender_organisation_name="Bygg AB", sender_org_number="556036-0793",
                     sender_first_name="Kvar", sender_personal_number="19121212-1212")
    assert post(reg_client, data).status_code == 302
    party = Party.objects.get()
    assert party.kind == "organisation" and party.org_number == "5560360793" and party.personal_number == ""


def error_page(response):
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Fel: Registrera handling" in html
    assert "data-error-summary" in html
    return html


def test_bad_personnummer_rerenders_everything_and_saves_nothing(reg_client, diary):
    data = form_data(diary, sender_personal_number="19121212-1213", case_description="Garage 30 kvm")
    html = error_page(post(reg_client, data, files=[upload()]))
    assert "Personnumrets kontrollsiffra stämmer inte." in html
    assert 'href="#id_sender_personal_number"' in html  # the summary links to the field
    assert 'aria-describedby="id_sender_personal_number_helptext id_sender_personal_number_error"' in html
    # Every value kept …
    for value in ("Bygglov för garage", "Garage 30 kvm", "Ansökan om bygglov", "Tolvansson", "19121212-1213", "tolvan@example.se", "Storgatan 1"):
        assert value in html, value
    # … except the files, which must be chosen again — and the page says so.
    assert "Välj filerna igen" in html
    assert_nothing_saved()
    assert Party.objects.count() == 0


def test_empty_file_is_refused(reg_client, diary):
    html = error_page(post(reg_client, form_data(diary), files=[upload("tom.pdf", b"")]))
    assert "Filen är tom (0 byte)." in html and 'href="#id_files"' in html
    assert_nothing_saved()


def test_future_date_is_refused(reg_client, diary):
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    html = error_page(post(reg_client, form_data(diary, document_date=future)))
    assert "Datumet kan inte ligga i framtiden." in html and 'href="#id_document_date"' in html
    assert f'value="{future}"' in html
    assert_nothing_saved()


def test_missing_title_is_refused(reg_client, diary):
    html = error_page(post(reg_client, form_data(diary, case_title="", document_title="  ")))
    assert "Ange en rubrik." in html and 'href="#id_document_title"' in html
    assert_nothing_saved()


def test_bad_date_format_is_explained(reg_client, diary):
    html = error_page(post(reg_client, form_data(diary, document_date="15/3 2026")))
    assert "Skriv datumet som ÅÅÅÅ-MM-DD" in html
    assert_nothing_saved()


def test_failed_registrations_take_no_number(reg_client, diary):
    post(reg_client, form_data(diary, sender_personal_number="123"))
    post(reg_client, form_data(diary), files=[upload("tom.pdf", b"")])
    post(reg_client, form_data(diary, document_title="", case_title=""))
    assert_nothing_saved()
    response = post(reg_client, form_data(diary))
    assert response.status_code == 302
    assert Case.objects.get().reference == f"KS {YEAR}/1"


def test_cannot_register_in_a_diary_without_the_role(reg_client, diary, other_diary):
    html = error_page(post(reg_client, form_data(diary, diary=str(other_diary.pk))))
    assert "Välj ett av alternativen i listan." in html  # the diary is not even offered
    assert_nothing_saved()


def test_cannot_register_into_a_case_of_another_diary(reg_client, diary, secret):
    html = error_page(post(reg_client, form_data(diary, mode="befintligt", case_reference=secret["case"].reference)))
    assert "Hittade inget ärende" in html
    assert "Orosanmälan" not in html
    assert Document.objects.filter(case=secret["case"]).count() == 1


def test_case_type_from_other_process_is_refused(reg_client, diary, scheme, case_type):
    from tests.factories import case_type_in, process_in

    other_process = process_in(scheme, "1.1.1.2", "Hantera strandskydd")
    html = error_page(post(reg_client, form_data(diary, process=str(other_process.pk), case_type=str(case_type.pk))))
    assert "Ärendetypen hör inte till den valda processen." in html
    case_type_in(other_process, code="AT9", title="Dispens")
    assert_nothing_saved()


def test_case_lookup_shows_title(reg_client, case):
    response = reg_client.get(reverse("web:case_lookup"), {"case_reference": case.reference}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert case.title in html and "<html" not in html
    response = reg_client.get(reverse("web:case_lookup"), {"case_reference": "KS 1999/1"})
    assert "Hittade inget ärende" in response.content.decode()


def test_case_lookup_does_not_reveal_hidden_cases(reg_client, secret):
    html = reg_client.get(reverse("web:case_lookup"), {"case_reference": secret["case"].reference}).content.decode()
    assert "Hittade inget ärende" in html and "HEMLIG" not in html


def test_types_narrowed_by_process(reg_client, scheme, process, case_type):
    from tests.factories import case_type_in, process_in

    other = process_in(scheme, "1.1.1.2", "Hantera strandskydd")
    other_type = case_type_in(other, code="AT9", title="Strandskyddsdispens")
    html = reg_client.get(reverse("web:register_types"), {"process": str(process.pk)}).content.decode()
    assert case_type.title in html and other_type.title not in html
    assert 'hx-swap-oob="true"' in html and 'id="id_document_type"' in html
    full = reg_client.get(reverse("web:register")).content.decode()
    assert case_type.title in full and other_type.title in full  # without JavaScript: all of them


def test_only_active_scheme_is_offered(reg_client, scheme, process, case_type):
    from knutpunkt.classification.models import ClassificationScheme
    from tests.factories import case_type_in, process_in

    old = ClassificationScheme.objects.create(organisation=scheme.organisation, name="Gammal", version="0", status="retired")
    old_type = case_type_in(process_in(old, "9.9.9.9", "Gammal process"), code="OLD", title="Utgången ärendetyp")
    html = reg_client.get(reverse("web:register")).content.decode()
    assert case_type.title in html and old_type.title not in html and "Gammal process" not in html


def test_reader_sees_no_form(client, diary):
    from knutpunkt.organisations.models import Role
    from tests.factories import user_with_role

    client.force_login(user_with_role(diary, Role.LASARE))
    html = client.get(reverse("web:register")).content.decode()
    assert "ingen roll som ger rätt att registrera" in html and "<form method=\"post\" action=\"/registrera/\"" not in html
    assert ">Registrera</a>" not in html


def test_form_prefills_case_from_query(reg_client, case):
    html = reg_client.get(reverse("web:register"), {"arende": case.reference}).content.decode()
    assert f'value="{case.reference}"' in html


def test_register_twice_same_person_reuses_party(reg_client, diary):
    post(reg_client, form_data(diary))
    post(reg_client, form_data(diary, case_title="Andra ärendet"))
    assert Case.objects.count() == 2 and Party.objects.count() == 1


def test_all_problems_are_shown_at_once(reg_client, diary):
    future = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    data = form_data(diary, case_title="", document_title="", document_date=future, sender_personal_number="19121212-1213",
                     sender_email="inte-en-adress")
    html = error_page(post(reg_client, data))
    for message in ("Ange en rubrik.", "Datumet kan inte ligga i framtiden.", "Personnumrets kontrollsiffra stämmer inte."):
        assert message in html, message
    assert html.count('<li><a href="#id_') >= 3
    assert_nothing_saved()
