"""The demo municipality ends with its public diary searchable: the loader publishes,
and publishing fills the engine's public collection."""

import pytest

from knutpunkt.demo import loader
from knutpunkt.publicdiary import queries
from knutpunkt.publicdiary.models import PublishedEntry
from knutpunkt.search.engine import get_engine
from tests.demo.conftest import END, tiny_structure

pytestmark = pytest.mark.django_db


def test_demo_load_ends_with_a_filled_public_index():
    loader.load_demo(cases=40, seed=7, end=END, structure=tiny_structure)
    published = PublishedEntry.objects.count()
    assert published > 0
    assert get_engine().count("public") == published
    word = PublishedEntry.objects.filter(kind="case").values_list("public_title", flat=True).first().split()[0]
    page, _ = queries.page_of(queries.results(queries.EntrySearch(text=word)), 1)
    assert page.paginator.count > 0
