import os

import pytest

from knutpunkt.registry import services as registry
from knutpunkt.registry.models import Document


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Each test stores its files in its own directory: blobs on disk are not rolled
    back with the database, and a test that tampers with one must not poison another."""
    root = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}}}
    return root


@pytest.fixture
def case(diary, registrator):
    return registry.register_case(diary, actor=registrator, title="Bygglov för carport")


@pytest.fixture
def document(case, registrator):
    return registry.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING, title="Ansökan")


def stored_files(root) -> list[str]:
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)
