"""Settings for the test suite: SQLite by default, PostgreSQL when the CI says so."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("KNUTPUNKT_DATA_DIR", tempfile.mkdtemp(prefix="knutpunkt-test-"))

from .base import *  # noqa: F401,F403,E402
from .base import DATA_DIR, database_config  # noqa: E402

_pg = os.environ.get("KNUTPUNKT_TEST_DATABASE_URL")
DATABASES = {"default": database_config(_pg or f"sqlite:///{Path(DATA_DIR) / 'test.sqlite3'}")}
if not _pg:
    DATABASES["default"]["TEST"] = {"NAME": str(Path(DATA_DIR) / "test-db.sqlite3")}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never outside tests
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(Path(DATA_DIR) / "media")}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
KNUTPUNKT_MAX_FILE_SIZE = 1024 * 1024
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns about a missing dir
# Other tests sign administrators in with force_login; the 2FA tests turn this on.
KNUTPUNKT_REQUIRE_ADMIN_2FA = False
