import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Files of each test on their own disk area (disk writes are not rolled back)."""
    root = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}}}
    return root


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttle counters and lockouts live in the process-wide cache."""
    cache.clear()
    yield
    cache.clear()
