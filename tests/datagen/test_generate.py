import pytest
from django.db.models import Count, Max

from knutpunkt.access import policy
from knutpunkt.datagen.generate import generate
from knutpunkt.organisations.models import NumberSeries
from knutpunkt.registry.identity import normalise_org_number, normalise_personal_number
from knutpunkt.registry.models import Case, Document, Party
from knutpunkt.search.queries import filtered_cases

pytestmark = pytest.mark.django_db


def test_generated_data_keeps_the_registry_invariants():
    result = generate(cases=300, seed=7, batch=100)
    assert result.cases == 300 and Case.objects.count() == 300
    for row in Case.objects.values("diary_id", "year").annotate(n=Count("pk"), top=Max("number")):
        assert row["n"] == row["top"]  # 1..n, no gaps
        assert NumberSeries.objects.get(diary_id=row["diary_id"], year=row["year"], kind="case").last_number == row["n"]
    for case in Case.objects.all()[:50]:
        numbers = sorted(case.documents.values_list("number", flat=True))
        assert numbers == list(range(1, case.last_document_number + 1))
    for party in Party.objects.all():
        if party.personal_number:
            assert normalise_personal_number(party.personal_number) == party.personal_number
        else:
            assert normalise_org_number(party.org_number) == party.org_number
    assert not Case.objects.filter(title_secret=True, public_title="").exists()
    assert Case.objects.filter(title_secret=True).exists()
    assert Document.objects.count() == result.documents


def test_same_seed_same_registrations():
    def snapshot(org):
        rows = Case.objects.filter(diary__authority__organisation__short_name=org).values_list(
            "diary__prefix", "year", "number", "title", "title_secret"
        )
        return sorted((prefix[-2:], year, number, title, secret) for prefix, year, number, title, secret in rows)

    generate(cases=40, seed=3, organisation="a")
    generate(cases=40, seed=3, organisation="b")
    generate(cases=40, seed=4, organisation="c")
    assert snapshot("a") == snapshot("b")
    assert snapshot("a") != snapshot("c")


def test_generated_secret_cases_are_masked_for_readers():
    from knutpunkt.organisations.models import Diary, Role
    from tests.factories import user_with_role

    generate(cases=200, seed=2)
    sn = Diary.objects.get(prefix="SN")
    reader = user_with_role(sn, Role.LASARE)
    secret = Case.objects.filter(diary=sn, title_secret=True).first()
    word = secret.title.split(" – ")[-1].split()[-1]  # the person's surname
    found = filtered_cases(reader, word)
    assert secret not in list(found)
    assert not policy.case_view(reader, secret).title


def test_generate_data_command_leaves_the_data_searchable():
    import io

    from django.core.management import call_command

    from knutpunkt.publicdiary.models import PublishedEntry
    from knutpunkt.search.engine import get_engine

    out = io.StringIO()
    call_command("generate_data", cases=60, seed=5, stdout=out)
    engine = get_engine()
    assert engine.count("cases") == Case.objects.count() == 60
    assert engine.count("documents") == Document.objects.count()
    case = Case.objects.filter(title_secret=False).order_by("reference").first()
    word = max(case.title.split(), key=len).strip(",.–")
    assert case.pk in set(Case.objects.filter(pk__in=engine.match("cases", word)).values_list("pk", flat=True))
    # Rows are dated in the past, so the public diary's 24-hour delay has run out for most.
    assert PublishedEntry.objects.exists()
    assert "Sökindex cases: 60" in out.getvalue()


def test_generate_data_no_index_no_publish():
    import io

    from django.core.management import call_command

    from knutpunkt.publicdiary.models import PublishedEntry
    from knutpunkt.search.engine import get_engine

    call_command("generate_data", cases=20, seed=5, no_index=True, no_publish=True, stdout=io.StringIO())
    assert Case.objects.count() == 20
    assert get_engine().count("cases") == 0
    assert not PublishedEntry.objects.exists()
