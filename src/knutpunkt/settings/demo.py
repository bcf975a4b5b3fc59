"""Settings for `knutpunkt demo`: the one place DEBUG is on by default."""

from .base import *  # noqa: F401,F403
from .base import STORAGES, env_bool

DEBUG = env_bool("DEBUG", True)
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
WHITENOISE_AUTOREFRESH = True
# The demo's administrators sign in with their password alone (docs/security.md).
KNUTPUNKT_REQUIRE_ADMIN_2FA = env_bool("REQUIRE_ADMIN_2FA", False)
# Plain copies: compressing every asset takes half a minute and a demo on localhost
# gains nothing from it.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
