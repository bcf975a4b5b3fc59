import pytest

from knutpunkt.demo import loader
from knutpunkt.organisations.models import User
from tests.demo.conftest import END

pytestmark = pytest.mark.django_db


def test_failed_load_leaves_nothing(db):
    def broken_structure(organisation):
        raise RuntimeError("structure could not be read")

    with pytest.raises(RuntimeError):
        loader.load_demo(cases=5, end=END, structure=broken_structure)
    assert not loader.demo_loaded()
    assert not User.objects.filter(username="registrator").exists()
