"""Settings for a production server: the base settings with HTTPS hardening."""

from .base import *  # noqa: F401,F403
from .base import env_bool

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
