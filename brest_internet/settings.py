"""Settings of the Internet pour tous en habitat social coordination app.

Everything is read from the environment (django-environ). With no environment at all the app runs
on a laptop: SQLite file, French, DEBUG off unless asked (`make run` asks). In production (DEBUG
off) a missing SECRET_KEY or ALLOWED_HOSTS stops start-up with a clear message, and the transport
security settings are on unless a variable turns them off (TLS terminated by a proxy).
"""

import datetime
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A laptop keeps its own values in .env (written by `make install`); the environment wins.
if env.bool("READ_DOT_ENV", default=True):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# The test suite runs with a throw-away key and fast hashing, without needing any environment.
TESTING = env.bool("TESTING", default="pytest" in sys.modules)

# A laptop (DEBUG) or the test suite may run with a throw-away key; production may not.
_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = _DEV_SECRET_KEY
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is missing. Set it in the environment (or in .env) to a long random "
            "string, or set DEBUG=1 on a development machine."
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if DEBUG or TESTING:
        ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
    else:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is missing. Set it in the environment to the comma-separated host "
            "names the app is served under (for example internet.brest.fr)."
        )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "brest_internet.admin_site.ProgrammeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Background jobs: the queue (PostgreSQL) and the rows people read; the ground floor,
    # which names none of the apps below.
    "procrastinate.contrib.django",
    "brest_internet.jobs",
    # The kit (template tags, the session limits), which names none of our apps either.
    "brest_internet.common",
    # Our apps, from the bottom up: each may use the ones above it, never the other way.
    "neighborhoods",
    "votes",
    "subscriptions",
    "support",
    # The programme level (dashboard, reviews, audit, data protection) stands on all of them;
    # last, so that its part of the demo loads after theirs. Its label is "brest_internet".
    "brest_internet.programme",
    # Notices to households (e-mail, SMS): the top floor, reading every app above.
    "brest_internet.notices",
    # The partners' API stands on the programme level (its figures) and on every app.
    "brest_internet.api",
    # The open data stands on the programme's figures (brest_internet.programme.dashboard);
    # after it, so that its part of the demo publishes once everything else is loaded.
    "brest_internet.opendata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "neighborhoods.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before any view reads the body or queries with a value from the request.
    "brest_internet.common.requests.RequestLimitsMiddleware",
    "brest_internet.common.sessions.AbsoluteSessionLimitMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that a locked-out login is answered after every other middleware ran.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "brest_internet.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "brest_internet.context_processors.demo_clock",
            ],
        },
    },
]

WSGI_APPLICATION = "brest_internet.wsgi.application"

# SQLite on a laptop; DATABASE_URL=postgres://… in production and in CI's second run.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Reuse connections between requests; several app servers share one PostgreSQL.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    # Wait for a writer instead of failing at once when two requests write at the same moment.
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    # What is deleted or overwritten is zeroed in the file, not left in its free space (an
    # online counter's earlier values, a dropped table): a copy of the file shows only the data.
    DATABASES["default"]["OPTIONS"].setdefault("init_command", "PRAGMA secure_delete = ON")

# Procrastinate's migrations are PostgreSQL SQL: they run there only (brest_internet.jobs).
DATABASE_ROUTERS = ["brest_internet.jobs.routers.ProcrastinateOnPostgresRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "neighborhoods.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
if TESTING:
    # Hashing with PBKDF2 costs ~0.3 s a login; the suite logs in hundreds of times.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Two-factor login (TOTP) for coordinators and landlord staff: on in production, off on a
# laptop (DEBUG) and in the test suite unless a test turns it on.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=not (DEBUG or TESTING))
OTP_TOTP_ISSUER = "Internet pour tous"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions: kept in the database so that several app servers share them; they end after
# SESSION_IDLE_MINUTES without a request: brest_internet.common.sessions restarts the timeout
# when its last restart is a minute old, instead of writing the session at every request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_MAX_HOURS = env.float("SESSION_MAX_HOURS", default=12)
# The pages warn this long before the session ends, with a "Rester connecté" button that
# restarts the idle timeout (RGAA 13.1; never the absolute limit).
SESSION_WARNING_SECONDS = 120

# Login lock-out (django-axes): per username *and* address, so that one person typing a wrong
# password in a shared office does not lock out every colleague behind the same address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

# Code guessing on the online ballot page: after this many wrong codes within a minute from
# one address (as axes sees it), every code is refused for the rest of that minute. Counted in
# the default cache: memory is right for one process (a laptop); several gunicorn workers need
# a cache they share, e.g. CACHE_URL=dbcache://brest_cache after `manage.py createcachetable`.
CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://"),
    # What the dashboard and a month of charges computed, each process its own: kept for the
    # data's version, which every process reads from the database (common.figures_cache).
    "figures": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "figures",
        "OPTIONS": {"MAX_ENTRIES": 200},
    },
}
# The apps whose writes make the kept figures stale (brest_internet.common.figures_cache), but
# the rows a login writes, and those a ballot writes: casting writes its sign-in, its code and
# the counter, nothing else (the ballot's secrecy, tests/votes/test_ballot_secrecy_attack.py),
# and the kept pages show a vote once certified, from its Vote row.
FIGURES_WATCHED_APPS = ["neighborhoods", "votes", "subscriptions", "support", "brest_internet"]
FIGURES_IGNORED_MODELS = [
    "neighborhoods.user",
    "neighborhoods.accountevent",
    "votes.participation",
    "votes.votecode",
    "votes.onlinetally",
]
BALLOT_CODE_TRIES_PER_MINUTE = env.int("BALLOT_CODE_TRIES_PER_MINUTE", default=5)

# Internationalisation: French first, English second.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"
# Open data (brest_internet.opendata): each publication's files in a directory of their own
# under OPEN_DATA_ROOT, served by the app's views (not as media). A count below
# OPEN_DATA_MIN_COUNT is never published (statistical secrecy).
OPEN_DATA_ROOT = env.path("OPEN_DATA_ROOT", default=Path(str(MEDIA_ROOT)) / "donnees-ouvertes")
OPEN_DATA_MIN_COUNT = env.int("OPEN_DATA_MIN_COUNT", default=11)
# Register files are read in memory up to this size, refused above it (see the import form).
REGISTER_UPLOAD_MAX_BYTES = env.int("REGISTER_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# These bound a register's work before a row is parsed (a 465 KB workbook can expand to
# 500 000 rows). A file of more than REGISTER_JOB_ROWS rows is checked and imported by a
# background job, so 200 000 rows (within the 10 MB) no longer meet gunicorn's 30 s timeout.
REGISTER_MAX_ROWS = env.int("REGISTER_MAX_ROWS", default=250_000)
REGISTER_MAX_UNCOMPRESSED_BYTES = env.int(
    "REGISTER_MAX_UNCOMPRESSED_BYTES", default=50 * 1024 * 1024
)
# A previewed register file that nobody confirms is deleted after this many hours.
REGISTER_PREVIEW_HOURS = env.int("REGISTER_PREVIEW_HOURS", default=24)

# Request bodies (brest_internet.common.requests): a body larger than REQUEST_MAX_BYTES is refused
# (413) before it is read; the fields of a form (files excluded) may total
# DATA_UPLOAD_MAX_MEMORY_SIZE, in at most DATA_UPLOAD_MAX_NUMBER_FIELDS fields (a 400 page
# above). An uploaded file stays in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE: by default a
# register file, with tenants' names, is never written to a temporary file.
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=REGISTER_UPLOAD_MAX_BYTES + 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=1000)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int(
    "FILE_UPLOAD_MAX_MEMORY_SIZE", default=REGISTER_UPLOAD_MAX_BYTES
)

# django-import-export: should an admin export ever be added, its cells starting with a
# formula character are escaped too (see brest_internet.common.files for the app's own files).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Transport security: on by default in production; a deployment behind a reverse proxy that
# terminates TLS sets SECURE_SSL_REDIRECT=False and SECURE_PROXY_SSL_HEADER_ENABLED=True.
_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_SECURE and not TESTING)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=_SECURE and not TESTING)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=_SECURE and not TESTING)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=_SECURE)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=_SECURE)
if env.bool("SECURE_PROXY_SSL_HEADER_ENABLED", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content Security Policy: no inline script, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# E-mail (invitations, password resets): EMAIL_URL in django-environ's form, for example
# smtp+tls://user:password@smtp.example.org:587 ; unset, mails are printed on the console
# (a laptop, the demo). The test suite keeps them in memory unless a test points elsewhere.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Internet pour tous <ne-pas-repondre@brest.invalid>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# In production, mails go through a provider's API (django-anymail) instead of SMTP:
# EMAIL_PROVIDER=brevo with BREVO_API_KEY, or EMAIL_PROVIDER=mailjet with MAILJET_API_KEY and
# MAILJET_SECRET_KEY. Unset, EMAIL_URL decides (SMTP, or the console).
EMAIL_PROVIDER = env.str("EMAIL_PROVIDER", default="").strip().lower()
BREVO_API_KEY = env.str("BREVO_API_KEY", default="")
if EMAIL_PROVIDER == "brevo":
    EMAIL_BACKEND = "anymail.backends.brevo.EmailBackend"
    ANYMAIL = {"BREVO_API_KEY": BREVO_API_KEY}
elif EMAIL_PROVIDER == "mailjet":
    EMAIL_BACKEND = "anymail.backends.mailjet.EmailBackend"
    ANYMAIL = {
        "MAILJET_API_KEY": env.str("MAILJET_API_KEY", default=""),
        "MAILJET_SECRET_KEY": env.str("MAILJET_SECRET_KEY", default=""),
    }
elif EMAIL_PROVIDER:
    raise ImproperlyConfigured(
        f"EMAIL_PROVIDER={EMAIL_PROVIDER!r} is not known: use brevo, mailjet, or leave it unset "
        "(EMAIL_URL then decides)."
    )
if EMAIL_PROVIDER and not (DEBUG or TESTING) and not all(ANYMAIL.values()):
    raise ImproperlyConfigured(
        f"EMAIL_PROVIDER={EMAIL_PROVIDER} is missing: "
        + ", ".join(k for k, v in ANYMAIL.items() if not v)
    )
# Sender of the notices to households (sign-ups, visits, orders, votes).
NOTICES_FROM_EMAIL = env.str("NOTICES_FROM_EMAIL", default=DEFAULT_FROM_EMAIL)

# SMS to households: printed on the console by default; SMS_BACKEND=brevo sends them through
# Brevo's transactional SMS API (BREVO_API_KEY; BREVO_API_URL only for tests or a proxy).
_SMS_BACKENDS = {
    "console": "brest_internet.notices.sms.ConsoleBackend",
    "brevo": "brest_internet.notices.sms.BrevoBackend",
}
SMS_BACKEND = env.str("SMS_BACKEND", default="console")
SMS_BACKEND = _SMS_BACKENDS.get(SMS_BACKEND, SMS_BACKEND)
BREVO_API_URL = env.str("BREVO_API_URL", default="https://api.brevo.com")
if SMS_BACKEND.endswith(".BrevoBackend") and not BREVO_API_KEY and not (DEBUG or TESTING):
    raise ImproperlyConfigured("SMS_BACKEND=brevo needs BREVO_API_KEY.")
# The sender name shown on the phone (3 to 11 letters or digits for Brevo).
SMS_SENDER = env.str("SMS_SENDER", default="BrestNet")
# The short number a "STOP" reply goes to, as the SMS end says it ("STOP au 36xxx"); unset,
# the SMS ends with "Répondez STOP pour ne plus en recevoir".
SMS_STOP_NUMBER = env.str("SMS_STOP_NUMBER", default="")
SMS_TIMEOUT_SECONDS = env.float("SMS_TIMEOUT_SECONDS", default=10)
# The providers' webhooks (SMS STOP replies and bounces, e-mail bounces) are public URLs that
# carry this secret: /notifications/webhooks/sms/<secret>/. Unset, they answer 404.
NOTICES_WEBHOOK_SECRET = env.str("NOTICES_WEBHOOK_SECRET", default="")
# A provider error is retried after 5 min, 10, 20, 40…; after this many attempts it is failed.
NOTICES_MAX_ATTEMPTS = env.int("NOTICES_MAX_ATTEMPTS", default=5)
NOTICES_RETRY_BASE_SECONDS = env.int("NOTICES_RETRY_BASE_SECONDS", default=300)
# Households of a neighbourhood hear of its vote this many days before it opens.
NOTICES_VOTE_DAYS_BEFORE = env.int("NOTICES_VOTE_DAYS_BEFORE", default=14)
# Invitation and reset links stay valid this long (and work once: see Django's token generator).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_HOURS", default=72) * 3600

# Demo accounts' password; when unset, load_brest_demo generates and prints one.
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="")

# The demo clock: `make run` sets DEMO_TODAY (ISO date) so the demo opens on a day just after the
# source's story (brest_internet/common/clock.py). A production server's dates are real: refused
# when DEBUG is off.
DEMO_TODAY = None
if _demo_today := env.str("DEMO_TODAY", default=""):
    try:
        DEMO_TODAY = datetime.date.fromisoformat(_demo_today)
    except ValueError:
        raise ImproperlyConfigured(
            f"DEMO_TODAY={_demo_today!r} is not a date: write it as YYYY-MM-DD."
        ) from None
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "DEMO_TODAY sets the demo's clock and is refused in production (DEBUG off): "
            "remove it from the environment."
        )

# Background jobs (brest_internet/jobs). On PostgreSQL they are queued and run by
# `manage.py procrastinate worker` (`make worker`), on as many machines as wanted; elsewhere
# (SQLite) they run in the request, so a laptop needs no worker. JOBS_INLINE forces either.
JOBS_INLINE = env.bool("JOBS_INLINE", default=None) if "JOBS_INLINE" in env.ENVIRON else None
# A worker that sent no heartbeat for JOBS_STALLED_SECONDS is taken for dead: its running jobs
# are retried (checked by the jobs.reconcile periodic task, JOBS_RECONCILE_CRON), and failed
# once tried JOBS_MAX_ATTEMPTS times.
JOBS_STALLED_SECONDS = env.float("JOBS_STALLED_SECONDS", default=60)
JOBS_MAX_ATTEMPTS = env.int("JOBS_MAX_ATTEMPTS", default=3)
JOBS_RECONCILE_CRON = env.str("JOBS_RECONCILE_CRON", default="* * * * *")
PROCRASTINATE_WORKER_DEFAULTS = {
    "update_heartbeat_interval": env.float("JOBS_HEARTBEAT_SECONDS", default=10),
    "stalled_worker_timeout": JOBS_STALLED_SECONDS,
    "concurrency": env.int("JOBS_CONCURRENCY", default=1),
    # The queue keeps only what is left to do or went wrong; our Job rows keep the story.
    "delete_jobs": "successful",
}
# A tick missed by more than this (every worker down) is not caught up.
PROCRASTINATE_PERIODIC_DEFAULTS = {"max_delay": 3600}
# The monthly charge run, the daily anonymisation and backup (cron syntax, in UTC).
JOBS_CHARGES_CRON = env.str("JOBS_CHARGES_CRON", default="0 6 1 * *")
JOBS_ANONYMISE_CRON = env.str("JOBS_ANONYMISE_CRON", default="30 2 * * *")
JOBS_BACKUP_CRON = env.str("JOBS_BACKUP_CRON", default="0 2 * * *")
# A charge run on a worker bills CHARGE_RUN_BATCH dwellings at a time (in its one transaction)
# and rests JOBS_CHARGE_RUN_YIELD times as long as each batch took before the next: at 3 it
# works a quarter of the time, so the pages keep most of the database's cores while it runs
# (load test, 2 cores, 1 000 000 dwellings: the run 83 s instead of 25, the pages' p95 1.33×
# their p95 without it, where a run without rest made them 2.2×); 0: no rest. A run in the
# request (SQLite, `make run`) never rests.
CHARGE_RUN_BATCH = env.int("CHARGE_RUN_BATCH", default=20_000)
JOBS_CHARGE_RUN_YIELD = env.float("JOBS_CHARGE_RUN_YIELD", default=3.0)
# The notices due are sent every few minutes; the open data are published again each night.
JOBS_NOTICES_CRON = env.str("JOBS_NOTICES_CRON", default="*/5 * * * *")
JOBS_OPEN_DATA_CRON = env.str("JOBS_OPEN_DATA_CRON", default="0 3 * * *")
# Where the daily backup job writes its files (one a day, named by date); empty: no backup job.
BACKUP_DIR = env.str("BACKUP_DIR", default="")
# A register file of more rows than this is checked and imported by a background job.
REGISTER_JOB_ROWS = env.int("REGISTER_JOB_ROWS", default=2000)

# Households gone (every occupancy ended) for longer than this are anonymised by the daily
# `anonymise_departed_households` command.
GDPR_RETENTION_MONTHS = env.int("GDPR_RETENTION_MONTHS", default=24)

# A running neighbourhood whose last review is older than this shows "review due".
REVIEW_DUE_MONTHS = env.int("REVIEW_DUE_MONTHS", default=12)

# Everything goes to stderr, where gunicorn and systemd's journal keep it. Every server error
# (a 500, with DEBUG off as well as on) is written with its traceback by django.request;
# 4xx answers are not (they are the visitor's, and the security log keeps the refusals).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "plain",
        }
    },
    "loggers": {
        "brest_internet.security": {"handlers": ["console"], "level": "INFO"},
        "django.security": {"handlers": ["console"], "level": "WARNING"},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# Error reporting to Sentry (or a compatible service such as GlitchTip) when SENTRY_DSN is set.
# Nothing personal leaves: no cookies, users or addresses, no request bodies and no local
# variables (a ballot's code and choice, a household's name may be in either).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=0,
    )

# The partners' API (brest_internet.api): token-only, problem details, rate limited per token
# in the default cache (shared by the workers when CACHE_URL points at a shared cache).
API_RATE = env.str("API_RATE", default="120/min")
# The log of the API's calls is kept this long, then purged by the daily retention run.
API_CALL_RETENTION_MONTHS = env.int("API_CALL_RETENTION_MONTHS", default=12)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["brest_internet.api.access.PartnerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["brest_internet.api.access.PartnerKind"],
    "DEFAULT_THROTTLE_CLASSES": ["brest_internet.api.access.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "brest_internet.api.problems.FirstRenderer",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "brest_internet.api.problems.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Internet pour tous – API des partenaires",
    "DESCRIPTION": (
        "API du bailleur, de l'opérateur et de la ville. Chaque appel porte le jeton de "
        "l'organisation : Authorization: Bearer <jeton>. Les erreurs sont des « problem "
        "details » (RFC 9457, application/problem+json) en français."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "brest_internet.api.schema.add_problems",
    ],
}
