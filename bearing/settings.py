"""Bearing's one settings module, configured by environment variables.

Every variable is listed in the README's settings table. Defaults are safe for a
developer's machine: SQLite under ./var, console email, DEBUG on only when asked.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    """1/true/yes/on or 0/false/no/off; unset or empty is the default. Anything else
    stops the start: a typo must not quietly turn a protection off."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number.") from None


DATA_DIR = Path(env("BEARING_DATA_DIR", str(BASE_DIR / "var")))
BEARING_ENV = env("BEARING_ENV", "development").strip().lower()
if BEARING_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("BEARING_ENV must be 'development' or 'production'.")
PRODUCTION = BEARING_ENV == "production"
DEBUG = env_bool("DEBUG", False)
# Public in this repository, so never accepted in production, whatever DEBUG says.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-secret-key-change-me-for-any-real-installation"
SECRET_KEY = env("SECRET_KEY") or DEVELOPMENT_SECRET_KEY
if PRODUCTION:
    # Production starts on real keys only: each is kept apart from the others.
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when BEARING_ENV=production.")
    for _name in ("BEARING_ENCRYPTION_KEYS", "BEARING_AUDIT_KEY"):
        if not env(_name).strip():
            raise ImproperlyConfigured(f"{_name} must be set when BEARING_ENV=production.")

ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS").split(",") if o]
# Without SITE_URL, links in emails point where `make run` serves: its PORT.
SITE_URL = env("SITE_URL", f"http://127.0.0.1:{env('PORT') or '8000'}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "bearing.lib",
    "bearing.accounts",
    "bearing.audit",
    "bearing.engagements",
    "bearing.growth",
    "bearing.companion",
    "bearing.practice",
    "bearing.programs",
    "bearing.exports",
    "bearing.rehearsals",
    "bearing.insight",
    "bearing.ops",
]

MIDDLEWARE = [
    # One structured line per request (request id, route, user id, status, duration).
    "bearing.lib.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # In production the web server itself answers /static/: compressed, cached for a year.
    *(["whitenoise.middleware.WhiteNoiseMiddleware"] if PRODUCTION else []),
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "bearing.lib.limits.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bearing.lib.htmx.HtmxSignInMiddleware",
    "bearing.lib.middleware.NoStoreForSignedInMiddleware",
    "bearing.accounts.middleware.SessionLimitsMiddleware",
    # Keeps the list of sign-ins current; then no page before the second factor.
    "bearing.accounts.login_sessions.LoginSessionMiddleware",
    "bearing.accounts.signin_flow.SecondFactorMiddleware",
    "bearing.accounts.middleware.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "bearing.urls"
WSGI_APPLICATION = "bearing.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "bearing" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bearing.accounts.context_processors.roles",
            ],
        },
    },
]

# Help text is escaped like any other text (Django's own templates print it as is).
FORM_RENDERER = "bearing.lib.forms.FormRenderer"

# --- Database -----------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")


def _database_from_url(url: str) -> dict:
    from urllib.parse import unquote, urlparse

    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "bearing",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            # One persistent connection per process: under load as fast as a psycopg pool, with
            # a quarter of the connections (docs/bench/db-connections.md). DB_POOL=1: the pool.
            "CONN_MAX_AGE": 0 if env_bool("DB_POOL") else env_int("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {"pool": True} if env_bool("DB_POOL") else {},
            "TEST": {"NAME": env("DB_TEST_NAME", "test_bearing")},
        }
    if parsed.scheme == "sqlite":
        return _sqlite(Path(unquote(parsed.path)) if parsed.path else DATA_DIR / "bearing.sqlite3")
    raise RuntimeError(f"DATABASE_URL scheme {parsed.scheme!r} is not supported")


def _sqlite(path: Path) -> dict:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        },
    }


DATABASES = {
    "default": _database_from_url(DATABASE_URL)
    if DATABASE_URL
    else _sqlite(DATA_DIR / "bearing.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every web worker: sign-in throttles and audit limits count here.
# The default is a table in the database (made by the migrations).
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("CACHE_URL"),
        }
        if env("CACHE_URL")
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "bearing_cache",
            # Culling would forget throttle counts; keep plenty.
            "OPTIONS": {"MAX_ENTRIES": 200_000},
        }
    )
}

# --- Tasks --------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Accounts, passwords, login sessions ----------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour

# Idle limit: the login session ends after this long without a request.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_MINUTES", 60) * 60
# Absolute limit: the login session ends this long after login, however busy.
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_HOURS", 12) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_ENGINE = "django.contrib.sessions.backends.db"

INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
# Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated);
# from anyone else the header is ignored and the connecting address is the client's.
TRUSTED_PROXIES = [p.strip() for p in env("BEARING_TRUSTED_PROXIES").split(",") if p.strip()]
# A browser that signed in successfully is remembered this long (a signed cookie); from it
# the account's owner is never held back by failures someone else caused.
KNOWN_DEVICE_DAYS = env_int("BEARING_KNOWN_DEVICE_DAYS", 90)
# How long a task worker holds a reminder it is sending before another may take it over.
REMINDER_LEASE_SECONDS = env_int("REMINDER_LEASE_SECONDS", 300)
# A task a worker started and never finished (the worker died) is queued again after this.
TASK_LEASE_SECONDS = env_int("TASK_LEASE_SECONDS", 600)

# --- The companion's optional language model (OpenAI-compatible) ------------------
COMPANION_MODEL_URL = env("COMPANION_MODEL_URL")
COMPANION_MODEL_NAME = env("COMPANION_MODEL_NAME", "local")
COMPANION_MODEL_KEY = env("COMPANION_MODEL_KEY")
COMPANION_MODEL_TIMEOUT = float(env("COMPANION_MODEL_TIMEOUT", "15"))

# --- Confidential text at rest ------------------------------------------------
# "kid:base64key,kid2:base64key" — the first is used to encrypt, all to decrypt.
# Kept apart from SECRET_KEY; see `manage.py encryption_keygen` and `rotate_encryption`.
ENCRYPTION_KEYS = env("BEARING_ENCRYPTION_KEYS")
ENCRYPTION_KEY_FILE = Path(env("BEARING_ENCRYPTION_KEY_FILE", str(DATA_DIR / "encryption.keys")))
# Each person's and engagement's data key, wrapped by the keys above, is left out of
# backups and kept in this one file, which every backup replaces and every erasure edits.
DATA_KEYS_BACKUP = Path(
    env("BEARING_DATA_KEYS_BACKUP", str(DATA_DIR / "backups" / "data-keys.json"))
)
# Days between a person's request for erasure and the erasure; they may cancel meanwhile.
ERASURE_GRACE_DAYS = env_int("BEARING_ERASURE_GRACE_DAYS", 14)

# --- The audit log ---------------------------------------------------------------
# The key that chains the audit log (HMAC-SHA256) and salts its email digests: base64 of
# 32 bytes or more, kept apart from the database and from SECRET_KEY. See `audit_keygen`.
AUDIT_KEY = env("BEARING_AUDIT_KEY")
AUDIT_KEY_FILE = Path(env("BEARING_AUDIT_KEY_FILE", str(DATA_DIR / "audit.key")))
# Denied access is recorded this many times per person a minute, then once as a summary.
AUDIT_DENIALS_PER_MINUTE = env_int("BEARING_AUDIT_DENIALS_PER_MINUTE", 20)
# Audited writes are spread over this many chains, each locked on its own (bearing/audit).
AUDIT_LANES = env_int("BEARING_AUDIT_LANES", 16)

# --- Email ----------------------------------------------------------------------
MAILERS = {
    "default": {
        "BACKEND": env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"),
        "OPTIONS": (
            {
                "host": env("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 25),
                "username": env("EMAIL_HOST_USER"),
                "password": env("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "timeout": 20,
            }
            if env("EMAIL_BACKEND", "").endswith("smtp.EmailBackend")
            else {"file_path": env("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))}
            if env("EMAIL_BACKEND", "").endswith(("filebased.EmailBackend", "FileEmailBackend"))
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Bearing <bearing@localhost>")

# --- Security headers -------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    # A rehearsal recorded in the browser is listened back to before it is sent.
    "media-src": [CSP.SELF, "blob:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Strict-Transport-Security: off until asked for (browsers remember it for this long).
SECURE_HSTS_SECONDS = env_int("BEARING_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("BEARING_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("BEARING_HSTS_PRELOAD", False)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Request size -------------------------------------------------------------------
# A request body declared larger than this is refused (413) before any of it is read. The
# largest real one is a pasted 200,000-character transcript (or a 500 KB transcript file).
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 3 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # a larger upload waits in a temporary file
# A rehearsal's audio is the one larger body: its upload address may carry this much.
REHEARSAL_MAX_AUDIO_BYTES = env_int("REHEARSAL_MAX_AUDIO_BYTES", 25 * 1024 * 1024)
# 20 minutes: even on a busy two-core machine (about 21 s a minute) it is transcribed well
# within TASK_LEASE_SECONDS, so no second worker takes it up meanwhile.
REHEARSAL_MAX_AUDIO_SECONDS = env_int("REHEARSAL_MAX_AUDIO_SECONDS", 20 * 60)
LARGER_REQUESTS = [(r"^/talks/[0-9a-f-]{36}/upload/$", REHEARSAL_MAX_AUDIO_BYTES + 64 * 1024)]
# Threads the speech recogniser uses in the task worker.
SPEECH_THREADS = env_int("SPEECH_THREADS", 2)

# --- Static files, i18n -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "bearing" / "static"]
if PRODUCTION:
    # `collectstatic` (run by `manage.py serve`) writes each file under a name with its
    # hash, plus gzip copies; WhiteNoise serves them with a far-future, immutable cache.
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    # A file missing from the manifest is linked by its plain name, never a 500.
    WHITENOISE_MANIFEST_STRICT = False

# --- `manage.py serve`: the production web server and task workers -------------------
# Web worker processes (each answers one request at a time) and task worker processes.
WEB_WORKERS = env_int("WEB_WORKERS", 2)
TASK_WORKERS = env_int("TASK_WORKERS", 1)
# Readiness fails when a task has waited this long for a worker (none is running).
TASK_BACKLOG_SECONDS = env_int("TASK_BACKLOG_SECONDS", 300)
LANGUAGE_CODE = "en"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Tokens in URLs (calendar, invitation, reset, unsubscribe) and every query value
    # are redacted before an access-log line is written.
    "filters": {"redact_tokens": {"()": "bearing.lib.redact.RedactTokens"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        # The request lines are JSON objects already: one per line, nothing around them.
        "lines": {"format": "%(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
        "request_lines": {"class": "logging.StreamHandler", "formatter": "lines"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # REQUEST_LOG=0 turns the per-request lines off (the development server prints its own).
        "bearing.request": {
            "handlers": ["request_lines"],
            "level": "INFO" if env_bool("REQUEST_LOG", PRODUCTION) else "WARNING",
            "propagate": False,
        },
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact_tokens"],
        },
        "django.request": {"filters": ["redact_tokens"]},
        "django.security.csrf": {"filters": ["redact_tokens"]},
    },
}
