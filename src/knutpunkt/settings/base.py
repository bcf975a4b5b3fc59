"""Settings shared by every way Knutpunkt runs.

Everything that differs between installations comes from KNUTPUNKT_* environment
variables; the defaults give a safe, single-machine installation on SQLite.
"""

import os
import secrets
from pathlib import Path

import dj_database_url


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"KNUTPUNKT_{name}", default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env("DATA_DIR", str(Path.cwd() / "var"))).resolve()
MEDIA_ROOT = Path(env("MEDIA_DIR", str(DATA_DIR / "media"))).resolve()
STATIC_ROOT = Path(env("STATIC_DIR", str(DATA_DIR / "static"))).resolve()


def _secret_key() -> str:
    """The key comes from the environment, or is made once and kept in the data dir.

    Never a committed default: a leaked key lets anyone forge sessions.
    """
    configured = env("SECRET_KEY")
    if configured:
        return configured
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(64))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]


def database_config(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=0)
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Opening a PostgreSQL connection costs about 9 ms here; keep it between requests
        # (health-checked, so a restarted server is noticed). Measured: 5.2 → 9.4 API
        # registrations/s with one client (docs/benchmarks.md).
        config["CONN_MAX_AGE"] = int(env("DB_CONN_MAX_AGE", "60"))
        config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # IMMEDIATE takes the write lock at BEGIN, so two registrations queue on the
        # lock instead of one failing with "database is locked" when it upgrades.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    return config


DATABASES = {
    "default": database_config(env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'knutpunkt.sqlite3'}")),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "knutpunkt.web",  # first, so its templates (admin look, login) take precedence
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "django_otp",  # before knutpunkt.access, whose admin replaces the device admin
    "django_otp.plugins.otp_totp",
    "knutpunkt.core",
    "knutpunkt.organisations",
    "knutpunkt.access",
    "knutpunkt.classification",
    "knutpunkt.registry",
    "knutpunkt.files",
    "knutpunkt.intake",
    "knutpunkt.demo",
    "knutpunkt.datagen",
    "knutpunkt.search",
    "knutpunkt.publicdiary",
    "knutpunkt.api",
]

AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = ["knutpunkt.access.backends.LockoutModelBackend"]
KNUTPUNKT_LOCKOUT_FAILURES = int(env("LOCKOUT_FAILURES", "5"))
KNUTPUNKT_LOCKOUT_MINUTES = int(env("LOCKOUT_MINUTES", "15"))
KNUTPUNKT_TRUSTED_PROXY = env_bool("TRUSTED_PROXY", False)
# Administrators (global, superuser, staff, lokal administratör) sign in with a TOTP code
# as well, and the admin pages require it. Off only in the demo and the test suite.
KNUTPUNKT_REQUIRE_ADMIN_2FA = env_bool("REQUIRE_ADMIN_2FA", True)
OTP_TOTP_ISSUER = "Knutpunkt"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:my_work"
LOGOUT_REDIRECT_URL = "web:login"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "knutpunkt.core.middleware.SecurityHeadersMiddleware",  # outermost but one: every answer gets the headers
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "knutpunkt.core.middleware.SessionTimeoutMiddleware",
    "knutpunkt.core.middleware.AdminTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "knutpunkt.urls"
WSGI_APPLICATION = "knutpunkt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PACKAGE_DIR / "locale"]

STATIC_URL = "/static/"
MEDIA_URL = "/media-not-served/"  # files are only served through the access-checked download view
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(MEDIA_ROOT)}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Uploads above this size are refused before they are stored (bytes).
KNUTPUNKT_MAX_FILE_SIZE = int(env("MAX_FILE_SIZE", str(100 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": env("TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# A session ends after KNUTPUNKT_SESSION_IDLE_MINUTES without a request and, whatever
# happens, KNUTPUNKT_SESSION_MAX_HOURS after sign-in (core.middleware.SessionTimeoutMiddleware).
# The cookie never outlives the absolute limit (KNUTPUNKT_SESSION_AGE, seconds, may shorten it).
KNUTPUNKT_SESSION_IDLE_MINUTES = int(env("SESSION_IDLE_MINUTES", "30"))
KNUTPUNKT_SESSION_MAX_HOURS = float(env("SESSION_MAX_HOURS", "10"))
SESSION_COOKIE_AGE = min(int(env("SESSION_AGE", "0")) or 10**9, int(KNUTPUNKT_SESSION_MAX_HOURS * 3600))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie: forms (and htmx, which sends the form) carry the
# token from {% csrf_token %}. Swagger UI's "Try it out" uses an API token instead.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sent on every response by core.middleware.SecurityHeadersMiddleware. Nothing inline,
# nothing from elsewhere; the paths in KNUTPUNKT_CSP_INLINE_HASH_PATHS (Swagger UI, whose
# page carries an inline start-up script and style) also allow exactly the inline blocks
# the response itself contains, by hash.
KNUTPUNKT_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
KNUTPUNKT_CSP_INLINE_HASH_PATHS = ["/api/v1/docs/"]
KNUTPUNKT_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=()"
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knutpunkt.api.authentication.TokenAuthentication",  # `Token <key>` or `Bearer <key>`
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies are limited to DATA_UPLOAD_MAX_MEMORY_SIZE; big files go as multipart.
    "DEFAULT_PARSER_CLASSES": ["knutpunkt.api.parsers.JSONParser", "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_METADATA_CLASS": "knutpunkt.api.metadata.PlainMetadata",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [],
    "DEFAULT_PAGINATION_CLASS": "knutpunkt.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "knutpunkt.api.problems.problem_exception_handler",
    # Rate limits are off unless set, e.g. KNUTPUNKT_API_RATE_USER="10000/hour" (per user)
    # and KNUTPUNKT_API_RATE_ANON="60/minute". Counted in Django's cache (per process
    # with the default local-memory cache). 429 answers carry Retry-After.
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle", "rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env("API_RATE_ANON") or None, "user": env("API_RATE_USER") or None},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Knutpunkt API",
    "DESCRIPTION": (
        "Diarium och ärendehantering: ärenden, handlingar, filer, parter och händelser. "
        "Logga in med `Authorization: Token <nyckel>` (nyckeln skapas med `knutpunkt api-token ANVÄNDARNAMN`). "
        "Fel returneras som problem details (RFC 9457, application/problem+json)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CasePartyRoleEnum": "knutpunkt.registry.models.CaseParty.Role",
        "CorrespondentRoleEnum": "knutpunkt.registry.models.Correspondent.Role",
    },
    # Swagger UI and Redoc from drf-spectacular-sidecar's static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # validatorUrl None: Swagger UI would otherwise send the schema to validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True, "validatorUrl": None},
    "TAGS": [
        {"name": "Registrering", "description": "Ärende, parter, handling och filer i ett anrop."},
        {"name": "Ärenden"},
        {"name": "Handlingar"},
        {"name": "Filer"},
        {"name": "Parter"},
        {"name": "Diarier"},
        {"name": "Klassificering"},
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
