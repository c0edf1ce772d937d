"""The one settings module. Every deployment knob is an environment variable (see .env.example)."""

import json
import os
import sys
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("SAFETRAIN_DATA_DIR", BASE_DIR / "data"))
DATA_DIR.mkdir(parents=True, exist_ok=True)
DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("SAFETRAIN_TESTING", False) or "pytest" in sys.modules
# SAFETRAIN_MODE=production: a real deployment behind HTTPS. It refuses to start without
# SECRET_KEY or with DEBUG on, and switches on HTTPS redirects, HSTS and secure cookies, so that
# `safetrain check --deploy` is clean (docs/security.md#http-hardening).
PRODUCTION = os.environ.get("SAFETRAIN_MODE", "").strip().lower() == "production"

# A development fallback keeps the two-command quick start working; production sets SECRET_KEY.
SECRET_KEY = os.environ.get(
    "SECRET_KEY", "dev-insecure-only-for-local-demo-change-me-0123456789abcdef"
)
if PRODUCTION:
    from django.core.exceptions import ImproperlyConfigured

    if DEBUG:
        raise ImproperlyConfigured("SAFETRAIN_MODE=production and DEBUG=1 do not go together")
    if not os.environ.get("SECRET_KEY"):
        raise ImproperlyConfigured("SAFETRAIN_MODE=production needs SECRET_KEY in the environment")
# Key for encrypting personal data at rest (32 bytes, urlsafe base64). Development falls back to
# a key derived from SECRET_KEY; `safetrain check --deploy` warns when it is missing.
SAFETRAIN_DATA_KEY = os.environ.get("SAFETRAIN_DATA_KEY", "")
# Previous data keys (comma list), read only to decrypt until `safetrain keys rotate` has run.
SAFETRAIN_OLD_DATA_KEYS = os.environ.get("SAFETRAIN_OLD_DATA_KEYS", "")

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "safetrain.core",
    "safetrain.regions",
    "safetrain.catalog",
    "safetrain.enterprises",
    "safetrain.people",
    "safetrain.accounts",
    "safetrain.workbook",
    "safetrain.records",
    "safetrain.certificates",
    "safetrain.compliance",
    "safetrain.archive",
    "safetrain.courses",
    "safetrain.inspections",
    "safetrain.questions",
    "safetrain.dashboards",
    "safetrain.study",
    "safetrain.exams",
    "safetrain.classes",
    "safetrain.surveys",
    "safetrain.audit",
    "safetrain.rescue",
    "safetrain.handbooks",
    "safetrain.web",
    "safetrain.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "safetrain.web.middleware.ChosenLanguageMiddleware",  # Chinese unless chosen (not Accept-Language)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "safetrain.audit.middleware.AuditMiddleware",  # 403s and exports audited; no-store
    "safetrain.accounts.middleware.SessionTimeoutMiddleware",  # 30 min idle, 12 h absolute
    "safetrain.accounts.middleware.TwoFactorMiddleware",  # 2FA roles: nothing before the code
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "safetrain.web.nav.nav",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'safetrain.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles the set-based rates and recompute queries (compliance.fastrates)
    # for 2+ seconds before running them in 0.3 s: off for this application's connections
    # (docs/postgresql.md). A libpq "options" already in DATABASE_URL is kept.
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = (str(_pg_options.get("options", "")) + " -c jit=off").strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    # people's IdentityBackend (username, ID number or phone) behind the sign-in throttle
    "safetrain.accounts.backends.ThrottledIdentityBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# docs/security.md#accounts: 12+ characters of 3 of 4 classes, no username / ID number / phone,
# not a common password. Used by every form that sets a password, the admin and the commands.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "safetrain.accounts.validators.StrengthValidator",
        "OPTIONS": {"min_length": 12, "min_classes": 3},
    },
    {"NAME": "safetrain.accounts.validators.PersonalDataValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "safetrain" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
if TESTING:  # uploads made by tests never land in the working data directory
    MEDIA_ROOT = Path(os.environ.get("SAFETRAIN_TEST_MEDIA", "/tmp/safetrain-test-media"))

# Course media (lesson PDFs and videos) live in Django's default storage: local files under
# MEDIA_ROOT unless SAFETRAIN_MEDIA_STORAGE names another backend, e.g. S3-compatible object
# storage with `pip install '.[s3]'` and SAFETRAIN_MEDIA_STORAGE=storages.backends.s3.S3Storage,
# its options as JSON in SAFETRAIN_MEDIA_STORAGE_OPTIONS (docs/courses.md).
STORAGES = {
    "default": {
        "BACKEND": os.environ.get("SAFETRAIN_MEDIA_STORAGE")
        or "django.core.files.storage.FileSystemStorage",
        "OPTIONS": json.loads(os.environ.get("SAFETRAIN_MEDIA_STORAGE_OPTIONS") or "{}"),
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
COURSES_MAX_PDF_BYTES = int(os.environ.get("COURSES_MAX_PDF_BYTES") or 50 * 1024 * 1024)
COURSES_MAX_VIDEO_BYTES = int(os.environ.get("COURSES_MAX_VIDEO_BYTES") or 500 * 1024 * 1024)

# Uploads: workbooks above this size are refused before they are read.
SAFETRAIN_MAX_UPLOAD_BYTES = int(
    os.environ.get("SAFETRAIN_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024))
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Sessions (docs/security.md#accounts): 30 minutes idle, 12 hours at most after sign-in
# (safetrain.accounts.middleware.SessionTimeoutMiddleware); the cookie dies with the session.
SAFETRAIN_SESSION_IDLE_SECONDS = int(os.environ.get("SAFETRAIN_SESSION_IDLE_SECONDS", "1800"))
SAFETRAIN_SESSION_MAX_SECONDS = int(os.environ.get("SAFETRAIN_SESSION_MAX_SECONDS", "43200"))
SESSION_COOKIE_AGE = SAFETRAIN_SESSION_MAX_SECONDS

# Cookies: the session cookie is HttpOnly; the CSRF cookie is read by the exam and study pages'
# scripts (X-CSRFToken), so it is not (Django's docs: HttpOnly there adds no protection).
# SameSite=Lax everywhere; Secure outside development (always in production).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION or env_bool(
    "SECURE_COOKIES",
    not DEBUG and not TESTING and "runserver" not in os.environ.get("SAFETRAIN_MODE", ""),
)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    # HTTPS only: redirect plain HTTP, tell browsers to remember it (HSTS, one year).
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # behind nginx (docs/deployment.md), which sets X-Forwarded-Proto and must not pass the
    # client's own; SECURE_PROXY_SSL_HEADER=0 when the application itself terminates TLS
    if env_bool("SECURE_PROXY_SSL_HEADER", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (Django's own, django.middleware.csp): scripts only from this site's
# files — no inline <script>, no on*= handlers (a test scans every template), no eval. Inline
# style attributes remain in some templates, hence 'unsafe-inline' for styles only. Course media
# in object storage on another origin: list it in SAFETRAIN_CSP_MEDIA_ORIGINS (comma separated).
from django.utils.csp import CSP  # noqa: E402

_MEDIA_ORIGINS = [
    o.strip() for o in os.environ.get("SAFETRAIN_CSP_MEDIA_ORIGINS", "").split(",") if o.strip()
]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", *_MEDIA_ORIGINS],
    "media-src": [CSP.SELF, *_MEDIA_ORIGINS],
    "object-src": [CSP.SELF, *_MEDIA_ORIGINS],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}

# Online study (safetrain.study, docs/study.md): heartbeat interval, idle prompt, fastest playback;
# the site's address (the xAPI actor's account homePage) and an optional external LRS.
SAFETRAIN_STUDY_HEARTBEAT_SECONDS = int(os.environ.get("SAFETRAIN_STUDY_HEARTBEAT_SECONDS", "30"))
SAFETRAIN_STUDY_IDLE_SECONDS = int(os.environ.get("SAFETRAIN_STUDY_IDLE_SECONDS", "900"))
SAFETRAIN_STUDY_MAX_RATE = float(os.environ.get("SAFETRAIN_STUDY_MAX_RATE", "2"))
SAFETRAIN_SITE_URL = os.environ.get("SAFETRAIN_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SAFETRAIN_XAPI_LRS_URL = os.environ.get("SAFETRAIN_XAPI_LRS_URL", "").rstrip("/")
SAFETRAIN_XAPI_LRS_USERNAME = os.environ.get("SAFETRAIN_XAPI_LRS_USERNAME", "")
SAFETRAIN_XAPI_LRS_PASSWORD = os.environ.get("SAFETRAIN_XAPI_LRS_PASSWORD", "")

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
