"""Settings for Handover, read from the environment.

With no environment at all this runs in embedded mode: SQLite and a
filesystem Celery broker under ``var/``, mail written to the log.
Production sets DATABASE_URL and CELERY_BROKER_URL and DEBUG=0.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("HANDOVER_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# DEBUG=1 asks for Django's debug pages. DEBUG=0 declares production: the embedded-only defaults
# below (secret key, vault key file, signing passphrase) are refused, static files are hashed and
# cookies HTTPS-only. Left unset, as by `make run`, the embedded defaults stay, but visitors get
# the same friendly error pages as in production, not debug pages that show code and settings.
DEBUG = env.bool("DEBUG", default=False)
_production = not env.bool("DEBUG", default=True)
_EMBEDDED_SECRET = "embedded-mode-only-not-secret"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=_EMBEDDED_SECRET)
if _production and (SECRET_KEY == _EMBEDDED_SECRET or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured("Set SECRET_KEY (32 characters or more) in the environment when DEBUG=0.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "guardian",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "handover",
]

MIDDLEWARE = [
    # First: orchestrators' probes (/healthz, /readyz) come over plain HTTP by IP address and must
    # not meet the HTTPS redirect, ALLOWED_HOSTS, sessions or sign-in checks.
    "config.health.HealthCheckMiddleware",
    # Early, so that every log line written for a request carries its id.
    "config.log.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether a two-factor code was accepted in this session.
    "django_otp.middleware.OTPMiddleware",
    # Who still owes that code (or, in HR and IT, an authenticator) sees nothing else until then.
    "accounts.middleware.TwoFactorMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "handover.middleware.DomainNotFoundMiddleware",
    # Last, as django-axes asks: it turns a login refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# Text boxes, text areas and selects written without a template each (the same HTML, faster).
FORM_RENDERER = "config.form_renderer.FormRenderer"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'handover.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker write to the same file: WAL plus
    # IMMEDIATE transactions make a second writer wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }
    # A file, not memory, so that a real Celery worker in the integration tests sees the test data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_handover.sqlite3")}
# Connections are kept between requests: a new one costs its setup and, on SQLite, a cold page cache.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, the permissions read with the roles and kept (accounts/grants.py).
    "accounts.backends.GrantsBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "handover:my_work"
LOGOUT_REDIRECT_URL = "login"

ANONYMOUS_USER_NAME = None

# Password guessing: this many wrong passwords lock out for this many minutes. At login (django-axes)
# per account and per address alike, counted from the last failure; at the password re-entered to
# reveal a secret or to sign, per person across all cases, counted from the case timelines.
HANDOVER_PASSWORD_FAILURE_LIMIT = env.int("HANDOVER_PASSWORD_FAILURE_LIMIT", default=5)
HANDOVER_PASSWORD_LOCKOUT_MINUTES = env.int("HANDOVER_PASSWORD_LOCKOUT_MINUTES", default=15)
AXES_FAILURE_LIMIT = HANDOVER_PASSWORD_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=HANDOVER_PASSWORD_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Every failure is kept for the admin (Axes > Access failures), not only the current count.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
# Its banner on every start and every manage.py command says nothing the settings above do not.
AXES_VERBOSE = False
# The address a failure counts against: the connection's (REMOTE_ADDR), never a header a client
# can set. Behind the TLS proxy (BEHIND_HTTPS_PROXY) the hop that proxy appended to
# X-Forwarded-For, as for signatures; otherwise every visitor would share the proxy's address
# and five failures would lock everyone out.
AXES_CLIENT_IP_CALLABLE = "accounts.ratelimit.client_ip"

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("zh-hant", _("Traditional Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# The files Handover keeps: "documents" (confirmation PDFs), "uploads" (material files) and "default"
# (media; nothing but /readyz writes there yet). On the local disk by default, each in the folder its
# setting names (HANDOVER_DOCUMENT_DIR, HANDOVER_UPLOAD_DIR, MEDIA_ROOT), outside the web root.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "documents": {
        "BACKEND": "handover.documents.storage.FolderStorage",
        "OPTIONS": {"folder_setting": "HANDOVER_DOCUMENT_DIR"},
    },
    "uploads": {
        "BACKEND": "handover.documents.storage.FolderStorage",
        "OPTIONS": {"folder_setting": "HANDOVER_UPLOAD_DIR", "directory_permissions_mode": 0o700},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if _production
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# With HANDOVER_S3_BUCKET set, the three live in that S3-compatible bucket (AWS S3, MinIO...) instead,
# each under its own key prefix, and web processes and workers keep nothing on their own disk. Objects
# are written without an ACL, which leaves them private to the bucket's owner (a bucket with ACLs
# turned off, AWS's default, refuses any other); no URL of theirs is handed out, the same
# permission-checked views serve them. Without the two keys, boto3 finds credentials itself
# (AWS_* variables, an instance or pod role).
HANDOVER_S3_BUCKET = env.str("HANDOVER_S3_BUCKET", default="")
if HANDOVER_S3_BUCKET:
    from botocore.config import Config

    _s3_keys = {
        "access_key": env.str("HANDOVER_S3_ACCESS_KEY_ID", default=""),
        "secret_key": env.str("HANDOVER_S3_SECRET_ACCESS_KEY", default=""),
    }
    if bool(_s3_keys["access_key"]) != bool(_s3_keys["secret_key"]):
        raise ImproperlyConfigured(
            "Set both HANDOVER_S3_ACCESS_KEY_ID and HANDOVER_S3_SECRET_ACCESS_KEY, or neither."
        )
    # "AES256" (or "aws:kms") asks the server to encrypt each object at rest; MinIO needs a KMS for it.
    _s3_encryption = env.str("HANDOVER_S3_SERVER_SIDE_ENCRYPTION", default="")
    _s3_options = {
        "bucket_name": HANDOVER_S3_BUCKET,
        "endpoint_url": env.str("HANDOVER_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("HANDOVER_S3_REGION", default="") or None,
        **{name: value for name, value in _s3_keys.items() if value},
        "default_acl": None,
        "querystring_auth": True,
        # A name already taken gets a suffix, as on the local disk, instead of replacing that file.
        "file_overwrite": False,
        "object_parameters": {"ServerSideEncryption": _s3_encryption} if _s3_encryption else {},
        # An unreachable server fails in seconds, not after botocore's minute per try: /readyz
        # answers within its probe's timeout. "path" for MinIO and most servers other than AWS.
        "client_config": Config(
            s3={"addressing_style": env.str("HANDOVER_S3_ADDRESSING_STYLE", default="") or "auto"},
            signature_version="s3v4",
            connect_timeout=5,
            read_timeout=30,
            retries={"mode": "standard", "max_attempts": 3},
        ),
    }
    _s3_prefix = env.str("HANDOVER_S3_PREFIX", default="").strip("/")
    for _storage, _folder in (("default", "media"), ("documents", "documents"), ("uploads", "uploads")):
        STORAGES[_storage] = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**_s3_options, "location": f"{_s3_prefix}/{_folder}".lstrip("/")},
        }
# Outside production WhiteNoise serves static/ as it is on disk (no collectstatic), also when
# DEBUG is off, which is when runserver itself stops serving it.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not _production

# Embedded mode writes each mail to the log (logger "handover.mail", INFO), readable as sent.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="config.mail.LogEmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Handover <handover@localhost>")

HANDOVER_COMPANY_NAME = env.str("HANDOVER_COMPANY_NAME", default="Handover Demo Co.")
# Two-factor sign-in (accounts/two_factor.py): the name authenticator apps show for the account;
# the admin's pages for devices never show a key or a recovery code once the device exists.
OTP_TOTP_ISSUER = f"Handover ({HANDOVER_COMPANY_NAME})"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# `make run` serves on 127.0.0.1:$PORT; links in mails and QR codes follow it unless this is set.
_port = env.int("PORT", default=8000)
HANDOVER_BASE_URL = env.str("HANDOVER_BASE_URL", default=f"http://127.0.0.1:{_port}")
HANDOVER_DOCUMENT_DIR = Path(env.str("HANDOVER_DOCUMENT_DIR", default=str(VAR_DIR / "documents")))
HANDOVER_SHORT_NOTICE_DAYS = 14
# The tests turn it on: every case snapshot and person's grants the cache answers is checked
# against a fresh read (handover.selectors.snapshots, accounts.grants), so a change that forgets
# to move the case's updated_at, or to give the grants a new version, fails.
HANDOVER_CHECK_CACHES = False
# Keys that encrypt stored account secrets (Fernet, newest first); never derived from SECRET_KEY.
# Embedded mode keeps a generated key in var/vault.key; production must set them.
HANDOVER_VAULT_KEYS = env.list("HANDOVER_VAULT_KEYS", default=[])
if _production and not HANDOVER_VAULT_KEYS:
    raise ImproperlyConfigured(
        "Set HANDOVER_VAULT_KEYS when DEBUG=0 (make one with: python manage.py vault_key generate)."
    )
HANDOVER_VAULT_KEY_FILE = None if HANDOVER_VAULT_KEYS else VAR_DIR / "vault.key"
# The organisation's document-signing key (PAdES): made by `manage.py signing_key init` or imported
# from the organisation's PKCS#12, kept in this folder, its private key encrypted with the passphrase.
HANDOVER_SIGNING_DIR = Path(env.str("HANDOVER_SIGNING_DIR", default=str(VAR_DIR / "signing")))
_EMBEDDED_PASSPHRASE = "embedded-mode-only-not-secret"  # noqa: S105
HANDOVER_SIGNING_PASSPHRASE = env.str("HANDOVER_SIGNING_PASSPHRASE", default=_EMBEDDED_PASSPHRASE)
if _production and HANDOVER_SIGNING_PASSPHRASE == _EMBEDDED_PASSPHRASE:
    raise ImproperlyConfigured("Set HANDOVER_SIGNING_PASSPHRASE when DEBUG=0.")
# A timestamp authority (RFC 3161) makes the seal PAdES B-T: someone besides the organisation vouches
# for when it was made. Empty: no timestamp (B-B). Its certificate must chain to a public CA or the
# organisation's root. HANDOVER_SEAL_LONG_TERM also embeds the certificates and the revocation data
# they point to (B-LT). When the authority fails, nothing is sealed and the worker tries again.
HANDOVER_TSA_URL = env.str("HANDOVER_TSA_URL", default="")
HANDOVER_TSA_USERNAME = env.str("HANDOVER_TSA_USERNAME", default="")
HANDOVER_TSA_PASSWORD = env.str("HANDOVER_TSA_PASSWORD", default="")
HANDOVER_TSA_TIMEOUT = env.float("HANDOVER_TSA_TIMEOUT", default=10.0)
HANDOVER_SEAL_LONG_TERM = env.bool("HANDOVER_SEAL_LONG_TERM", default=False)
HANDOVER_UPLOAD_DIR = Path(env.str("HANDOVER_UPLOAD_DIR", default=str(VAR_DIR / "uploads")))
HANDOVER_UPLOAD_MAX_BYTES = env.int("HANDOVER_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
HANDOVER_IMPORT_MAX_ROWS = 1000
# The public verification page (/verify/). A real confirmation is well under 1 MB (the benchmark
# holds 200 items in Chinese under that); 5 MB leaves room for a copy a PDF reader saved again
# and refuses the 30 MB files that once kept every web worker busy.
HANDOVER_VERIFY_MAX_BYTES = env.int("HANDOVER_VERIFY_MAX_BYTES", default=5 * 1024 * 1024)
# Per address (an IPv6 /64) and window: uploads cost the worker a check, lookups by SHA-256 or
# QR code one query. Site-wide, uploads per window are capped too, so that a flood from many
# addresses cannot fill the worker's queue: at the default, checks that each run into
# HANDOVER_VERIFY_CHECK_SECONDS take at most half a worker's time, and confirmations still come.
HANDOVER_VERIFY_WINDOW_SECONDS = env.int("HANDOVER_VERIFY_WINDOW_SECONDS", default=10 * 60)
HANDOVER_VERIFY_UPLOADS_PER_ADDRESS = env.int("HANDOVER_VERIFY_UPLOADS_PER_ADDRESS", default=10)
HANDOVER_VERIFY_LOOKUPS_PER_ADDRESS = env.int("HANDOVER_VERIFY_LOOKUPS_PER_ADDRESS", default=60)
HANDOVER_VERIFY_UPLOADS_SITE_WIDE = env.int("HANDOVER_VERIFY_UPLOADS_SITE_WIDE", default=30)
# One check runs in a child process of the worker: killed after this many seconds (a real
# confirmation takes under one, most of it starting Python) or past this much address space.
HANDOVER_VERIFY_CHECK_SECONDS = env.int("HANDOVER_VERIFY_CHECK_SECONDS", default=10)
HANDOVER_VERIFY_CHECK_MEMORY_MB = env.int("HANDOVER_VERIFY_CHECK_MEMORY_MB", default=512)
# How long an upload waits for its check, and its result for the page.
HANDOVER_VERIFY_KEEP_SECONDS = 10 * 60

# Asking for a new password by mail, per hour: from one address (an IPv6 /64; beyond it the page
# answers 429), and mails to one account (beyond it nothing more is sent, and the page still says
# the same, so that it tells nobody whether an account has the address).
HANDOVER_RESET_WINDOW_SECONDS = 60 * 60
HANDOVER_RESET_PER_ADDRESS = env.int("HANDOVER_RESET_PER_ADDRESS", default=10)
HANDOVER_RESET_MAILS_PER_ACCOUNT = env.int("HANDOVER_RESET_MAILS_PER_ACCOUNT", default=3)

# How long a worker holds a message of the outbox while it sends it; a worker that dies meanwhile
# leaves it to be sent again once this is over. Longer than any send takes (mail, chat: seconds).
HANDOVER_OUTBOX_LEASE_SECONDS = env.int("HANDOVER_OUTBOX_LEASE_SECONDS", default=300)
# Chat webhooks go only to the platforms' own hosts (no request to anywhere else HR types); these
# hosts ("host" or "host:port", plain http allowed) are added, e.g. a company's own relay.
HANDOVER_CHAT_EXTRA_HOSTS = env.list("HANDOVER_CHAT_EXTRA_HOSTS", default=[])

_broker_dir = VAR_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Messages that waited out a quiet hour or a failed try; each act also queues a send at once.
    "outbox": {"task": "handover.tasks.deliver_outbox", "schedule": 60},
    # Due dates, the meeting an hour before, waits that escalate: every 5 minutes, each told once.
    "reminders": {"task": "handover.tasks.send_reminders", "schedule": 5 * 60},
    # Cases whose last working day has come move from signed off to aftercare.
    "aftercare-due": {"task": "handover.tasks.begin_due_aftercare", "schedule": 15 * 60},
    # A departing employee's normal login ends with their last working day.
    "logins-end": {"task": "handover.tasks.end_former_logins", "schedule": 15 * 60},
    # One digest per person per day, in working hours; the hourly retries catch a worker that
    # was down at 08:00, and the task itself refuses a second send on the same day.
    "daily-digest": {"task": "handover.tasks.send_daily_digests", "schedule": crontab(minute=0, hour="8-18")},
    # A confirmation whose task failed (say, a wrong key passphrase since fixed) is produced again.
    "confirmations-due": {"task": "handover.tasks.produce_missing_confirmations", "schedule": 15 * 60},
    # Closed cases from before quality scores were stored get theirs, a batch an hour.
    "quality-scores": {"task": "handover.tasks.fill_quality_scores", "schedule": 60 * 60},
    # Closed cases past their retention are anonymised, confirmations past theirs deleted: nightly.
    "retention": {"task": "handover.tasks.apply_retention", "schedule": crontab(minute=15, hour=2)},
    # Accesses still open after the last working day: HR owner and manager, once a day each.
    "access-overdue": {
        "task": "handover.tasks.send_overdue_access_notices",
        "schedule": crontab(minute=30, hour="8-18"),
    },
}

# One cache shared by every web process and the worker: the verification page's counters per
# address and the uploads waiting for their check. CACHE_URL names it (redis://host:6379/1, or
# filecache:///path); by default the broker's Redis when the broker is Redis (never clear that
# cache: it would empty the queues too), else files under var/, shared by the processes of one
# machine with no service to run and no table to migrate.
_redis_broker = CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
CACHES = {
    "default": env.cache_url(
        "CACHE_URL", default=CELERY_BROKER_URL if _redis_broker else f"filecache://{VAR_DIR / 'cache'}"
    )
}
_redis_cache = CACHES["default"]["BACKEND"].endswith("RedisCache")
if CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
    # Past this many files a third are dropped at random; the default (300) would drop counters
    # and waiting uploads under a flood.
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": 10_000}
# Each case's facts and to-dos as pages show them (handover.selectors.snapshots): beside the rest
# in Redis, under their own prefix. With files, none: each process keeps what it read in memory,
# and the files stay for the counters and uploads.
CACHES["snapshots"] = (
    {**CACHES["default"], "KEY_PREFIX": "snapshots"}
    if _redis_cache
    else {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
)

# People's roles and permissions (accounts.grants): the same way.
CACHES["grants"] = (
    {**CACHES["default"], "KEY_PREFIX": "grants"}
    if _redis_cache
    else {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# With Redis, sessions are read from it, written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if _redis_cache else "db")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=_production)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
_behind_https_proxy = env.bool("BEHIND_HTTPS_PROXY", default=False)
if _behind_https_proxy:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# In production behind the TLS proxy, a plain-HTTP request is sent to HTTPS: the proxy says which
# scheme each request came in by, so the redirect cannot loop. Without that header Django cannot
# tell, and the proxy must redirect.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_production and _behind_https_proxy)
# HSTS cannot be taken back for its max-age once browsers have seen it: set it deliberately.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
X_FRAME_OPTIONS = "DENY"

# Production writes one JSON object per line (time, level, logger, message, request id, exception)
# for a log collector; embedded mode plain lines, read in the terminal of `make run`.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if _production else "text")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT is json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.log.JsonFormatter"}},
    "filters": {
        "client_errors_without_traceback": {"()": "config.log.ClientErrorsWithoutTraceback"},
        "request_id": {"()": "config.log.RequestIdFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # A 403 or 400 is the visitor's doing, not a bug: one line each, no traceback.
        "django.request": {"filters": ["client_errors_without_traceback"]},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        # Anyone may upload an altered PDF to the verification page; the verdict says so, and
        # pyHanko's tracebacks for each such file would only bury real errors.
        "pyhanko": {"level": "CRITICAL"},
        "pyhanko_certvalidator": {"level": "CRITICAL"},
    },
}
# Celery's worker and beat put their own text format on the root logger unless told not to: with
# JSON logs they keep the handler above.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT == "text"

# Errors of the web processes and of Celery tasks go to Sentry when SENTRY_DSN is set; without it
# nothing is sent anywhere. Nothing personal or secret goes with them: no user, cookies or address
# (send_default_pii), no request bodies (passwords, stored account secrets, a leaver's own words),
# no local variables of the failing code; headers and other data under names such as password,
# secret, token or cookie are scrubbed at every depth.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.scrubber import EventScrubber

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=env.str("SENTRY_ENVIRONMENT", default="production" if _production else "embedded"),
        release=env.str("SENTRY_RELEASE", default="") or None,
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        event_scrubber=EventScrubber(recursive=True),
    )
