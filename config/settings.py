"""Settings, read from the environment once. See README § Configuration.

DEBUG is off unless the environment turns it on: `make run` and the development server
(`manage.py runserver`) set DEBUG=1, and so does the test suite (tests/settings.py). Off, the
secure defaults below apply and start-up refuses the development keys.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.env import (
    env_bool,
    env_int,
    env_list,
    env_path,
    env_set,
    env_str,
    parse_database_url,
    parse_email_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env_path("ARML_VAR_DIR", BASE_DIR / "var")

DEBUG = env_bool("DEBUG", False)
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY", "")
# Key that encrypts signers' private keys at rest (documents.pki). Derived from SECRET_KEY in
# development; production sets its own so that rotating SECRET_KEY does not lock the keys.
ARML_KEY_ENCRYPTION_KEY = env_str("ARML_KEY_ENCRYPTION_KEY", "")
# Keys in a PKCS#11 token instead (documents/hsm.py; README § Signing keys): the platform's keys,
# and signers' keys too with ARML_PKCS11_SIGNER_KEYS=1. Checked by documents/checks.py.
ARML_PKCS11_MODULE = env_str("ARML_PKCS11_MODULE", "")
ARML_PKCS11_TOKEN_LABEL = env_str("ARML_PKCS11_TOKEN_LABEL", "")
ARML_PKCS11_PIN = env_str("ARML_PKCS11_PIN", "")
ARML_PKCS11_PIN_FILE = env_str("ARML_PKCS11_PIN_FILE", "")
ARML_PKCS11_SIGNER_KEYS = env_bool("ARML_PKCS11_SIGNER_KEYS", False)
if DEBUG:
    SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY
else:
    if not SECRET_KEY or SECRET_KEY == DEVELOPMENT_SECRET_KEY or SECRET_KEY.startswith("change-me"):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a long random value when DEBUG is off "
            "(generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'; "
            "for development, set DEBUG=1)."
        )
    keys_in_token = bool(ARML_PKCS11_MODULE) and ARML_PKCS11_SIGNER_KEYS
    if ARML_KEY_ENCRYPTION_KEY.startswith("change-me") or not (
        ARML_KEY_ENCRYPTION_KEY or keys_in_token
    ):
        raise ImproperlyConfigured(
            "ARML_KEY_ENCRYPTION_KEY must be set when DEBUG is off: it encrypts the signers' "
            "private keys at rest (keys stored without it: manage.py pki rekey, README § "
            "Signing keys)."
        )
# Content Security Policy (Django's own, SECURE_CSP): everything from this site only, no inline
# script or style (our pages have none: tests/ops/test_csp.py crawls them), no plugin, no
# framing. Bootstrap's form controls draw their arrows and ticks as data: SVG images. A page that
# must carry an inline block gives it the request's nonce ({{ csp_nonce }}).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Behind a reverse proxy --------------------------------------------------------------------
# How many proxies (nginx, a load balancer…) stand between the clients and the application.
# X-Forwarded-For is believed through that many of them only (config/client.py); with 0, the
# client is REMOTE_ADDR, whatever the request claims.
ARML_TRUSTED_PROXIES = env_int("ARML_TRUSTED_PROXIES", 0)
if ARML_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured(f"ARML_TRUSTED_PROXIES={ARML_TRUSTED_PROXIES} cannot be negative.")
# "HTTP_X_FORWARDED_PROTO,https": the header a trusted proxy sets on HTTPS requests. Defaults to
# that one as soon as a proxy is trusted; an empty value turns it off.
_proxy_ssl_header = env_list(
    "SECURE_PROXY_SSL_HEADER", ["HTTP_X_FORWARDED_PROTO", "https"] if ARML_TRUSTED_PROXIES else []
)
if _proxy_ssl_header and len(_proxy_ssl_header) != 2:
    raise ImproperlyConfigured(
        "SECURE_PROXY_SSL_HEADER must be a header and its value, e.g. HTTP_X_FORWARDED_PROTO,https"
    )
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) or None

# HTTPS: on by default when DEBUG is off (the site is meant to be served over TLS only).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# HSTS is hard to take back once browsers cached it: one year by default when DEBUG is off;
# sub-domains and preloading only when the operator says every sub-domain is on HTTPS too.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_HOST = env_str("SECURE_SSL_HOST", "") or None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",  # API tokens: hashed (SHA-512), 90 days (REST_KNOX below)
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    # Second factor before a signature (workflows/second_factor.py): TOTP devices and the
    # static devices that hold recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",  # passkeys (WebAuthn credentials as django-otp devices)
    "django_tasks_db",
    "django_bootstrap5",
    "guardian",
    "viewflow.workflow",  # the engine only: Process/Task models; no frontend, no URLs
    "governance",
    "permissions",
    "documents",
    "audit",
    "workflows",
    "notifications",
    "config.apps.SiteConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.LoginRequiredMiddleware",  # the API authenticates itself (DRF)
    "config.request_cache.RequestMemoMiddleware",  # reads asked twice in a page: once (GET)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
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
                "django.template.context_processors.csp",
                "config.context.main_menu",
            ],
        },
    },
]

DATABASES = {
    "default": parse_database_url(env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL + a busy timeout let the dev server and a management command share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "governance.Person"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before the rest
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
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

# Login throttling (django-axes): a username is locked out from one address after
# ARML_LOGIN_FAILURE_LIMIT failures, for ARML_LOGIN_COOLOFF_MINUTES. By the pair, not by either
# alone: locking a username everywhere would let anyone lock the president out, and locking an
# address would lock out every office behind a Mission Locale's shared connection.
AXES_FAILURE_LIMIT = env_int("ARML_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("ARML_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.client.client_ip"  # the same address the ledger records
AXES_LOCKOUT_CALLABLE = "config.auth.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # successful logins: no second trail of personal data
AXES_VERBOSE = False

# Signing under the signer's sole control (README § Signing in): every transition that signs
# (declared signer or countersign slots, or `sole_control`) asks for a second factor; one
# confirmation stays valid ARML_SECOND_FACTOR_MINUTES for that session or API token, so a
# president signing five items in a row types one code. It cannot be turned off in production:
# a session cookie alone must never sign as the president.
ARML_SECOND_FACTOR_REQUIRED = env_bool("ARML_SECOND_FACTOR_REQUIRED", True)
ARML_SECOND_FACTOR_MINUTES = env_int("ARML_SECOND_FACTOR_MINUTES", 10)
if ARML_SECOND_FACTOR_MINUTES < 1:
    raise ImproperlyConfigured("ARML_SECOND_FACTOR_MINUTES must be at least 1.")
if not DEBUG and not ARML_SECOND_FACTOR_REQUIRED:
    raise ImproperlyConfigured(
        "ARML_SECOND_FACTOR_REQUIRED cannot be turned off when DEBUG is off: an advanced "
        "electronic signature needs the signer's own confirmation."
    )
OTP_TOTP_ISSUER = "ARML Gouvernance"  # the name authenticator apps show beside the code
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env_path("STATIC_ROOT", VAR_DIR / "static")
# Bootstrap is served as static/css/bootstrap.css: only the rules our pages use, built at
# development time by scripts/build_css.py from the xstatic-bootstrap package, and no JavaScript
# (no page uses Bootstrap's). README § Static files.
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env_path("MEDIA_ROOT", VAR_DIR / "media")
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # In production, `collectstatic` writes fingerprinted (cacheable forever) and compressed copies.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
if env_str("DOCUMENTS_STORAGE_BACKEND", ""):
    # e.g. storages.backends.s3.S3Storage with its own AWS_* variables.
    STORAGES["documents"] = {"BACKEND": env_str("DOCUMENTS_STORAGE_BACKEND")}
else:
    STORAGES["documents"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT / "documents")},
    }
# Serve static files without collectstatic in development and tests.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG


def _mailer() -> dict[str, object]:
    """The default mailer (Django 6.1 MAILERS): EMAIL_URL, or EMAIL_HOST and its companions, or
    EMAIL_BACKEND; else SMTP on localhost:25 when DEBUG is off and the console in development."""
    if env_set("EMAIL_URL"):
        return parse_email_url(env_str("EMAIL_URL"))
    backend = env_str("EMAIL_BACKEND", "")
    if backend and not backend.endswith("smtp.EmailBackend"):
        return {"BACKEND": backend}
    if not backend and DEBUG and not env_set("EMAIL_HOST"):
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    use_tls, use_ssl = env_bool("EMAIL_USE_TLS", False), env_bool("EMAIL_USE_SSL", False)
    if use_tls and use_ssl:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL: set at most one of them.")
    options: dict[str, object] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": use_tls,
        "use_ssl": use_ssl,
        "timeout": env_int("EMAIL_TIMEOUT", 30),
    }
    if env_set("EMAIL_PORT"):
        options["port"] = env_int("EMAIL_PORT", 25)
    return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}


MAILERS = {"default": _mailer()}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ne-pas-repondre@arml.example")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)  # errors mailed to ADMINS, if any

BOOTSTRAP5 = {"css_url": {"url": "/static/css/bootstrap.css"}, "javascript_url": None}

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None  # no anonymous object permissions: every page needs a login

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "knox.auth.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "config.api.LimitOffsetPagination",
    "DEFAULT_PARSER_CLASSES": [
        "config.api.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "config.api.exception_handler",
}
# API tokens (README § The API): only their SHA-512 digest is stored; each lasts
# ARML_API_TOKEN_DAYS (90) and is not extended by use; at most 10 per person.
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(days=env_int("ARML_API_TOKEN_DAYS", 90)),
    "TOKEN_LIMIT_PER_USER": 10,
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ARML Governance API",
    "DESCRIPTION": "Lifecycles, documents and audit ledger of the regional associations of "
    "Missions Locales.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # The split view serves Swagger UI's start-up code as a script of its own (CSP: no inline
    # script); no validator badge, which would load an image from validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Choice sets whose field names collide across components ("state", "kind"): named once.
    "ENUM_NAME_OVERRIDES": {
        "ItemKindEnum": "governance.meetings.models.ItemKind",
        "ProgrammeStateEnum": "governance.programmes.models.ProgrammeState",
    },
}

# Background tasks (django.tasks): stored in the database, run by `manage.py db_worker`, which
# `make run` starts beside the development server and production runs as its own service.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Notifications, deadlines and onboarding (README § Configuration) ---------------------------
# The site's public address: the links in e-mails (objects, receipts, account set-up) use it.
ARML_BASE_URL = env_str("ARML_BASE_URL", "") or env_str("SITE_URL", "") or "http://127.0.0.1:8000"
if not ARML_BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"ARML_BASE_URL={ARML_BASE_URL!r} must be the site's address, e.g. https://gouvernance.arml.fr"
    )


# Passkeys (django-otp-webauthn) as the second factor before a signature (README § Signing in).
# The relying party is the site's domain: ARML_WEBAUTHN_RP_ID, else the host of ARML_BASE_URL,
# of the first CSRF_TRUSTED_ORIGINS or of ALLOWED_HOSTS that is a name (an address cannot be
# one), else "localhost". The origins browsers may run the ceremony from: ARML_WEBAUTHN_ORIGINS,
# else those of ARML_BASE_URL and CSRF_TRUSTED_ORIGINS on that domain (HTTPS, or localhost).
# A passkey is bound to its domain: changing ARML_WEBAUTHN_RP_ID invalidates every passkey.
def _is_name(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return bool(host) and "*" not in host
    return False


def _webauthn_rp_id() -> str:
    from urllib.parse import urlsplit

    hosts = [urlsplit(url).hostname or "" for url in [ARML_BASE_URL, *CSRF_TRUSTED_ORIGINS]]
    hosts += [host.lstrip(".") for host in ALLOWED_HOSTS]
    return next((host for host in hosts if _is_name(host)), "localhost")


def _webauthn_origins(rp_id: str) -> list[str]:
    from urllib.parse import urlsplit

    origins = []
    for url in [ARML_BASE_URL, *CSRF_TRUSTED_ORIGINS]:
        parts = urlsplit(url)
        host = parts.hostname or ""
        secure = parts.scheme == "https" or host == "localhost"
        if secure and (host == rp_id or host.endswith("." + rp_id)):
            origins.append(f"{parts.scheme}://{parts.netloc}")
    if not origins:
        port = urlsplit(ARML_BASE_URL).port or 8000
        origins = [f"http://localhost:{port}" if rp_id == "localhost" else f"https://{rp_id}"]
    return list(dict.fromkeys(origins))


OTP_WEBAUTHN_RP_ID = env_str("ARML_WEBAUTHN_RP_ID", "") or _webauthn_rp_id()
OTP_WEBAUTHN_RP_NAME = env_str("ARML_WEBAUTHN_RP_NAME", "") or "Gouvernance ARML"
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("ARML_WEBAUTHN_ORIGINS", []) or _webauthn_origins(
    OTP_WEBAUTHN_RP_ID
)
for _origin in OTP_WEBAUTHN_ALLOWED_ORIGINS:
    if not _origin.startswith(("https://", "http://localhost")):
        raise ImproperlyConfigured(
            f"ARML_WEBAUTHN_ORIGINS: {_origin!r} is not a secure origin; browsers run the passkey "
            "ceremony over HTTPS only (or on http://localhost)."
        )
# Passkeys confirm a signature only: logging in stays the password's job.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_TIMEOUT_SECONDS = 120


def _int_list(name: str, default: str) -> list[int]:
    values = env_list(name, default.split(","))
    try:
        numbers = [int(v) for v in values]
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={','.join(values)!r} must be whole numbers separated by commas"
        ) from None
    if any(n < 0 for n in numbers):
        raise ImproperlyConfigured(f"{name}={','.join(values)!r} cannot be negative")
    return numbers


# Days before a deadline at which reminders go out.
ARML_REMINDER_OFFSETS = _int_list("ARML_REMINDER_OFFSETS", "30,7,1")
# Minutes to wait before each new attempt at a failed e-mail (then it is marked failed).
ARML_NOTIFICATION_RETRY_MINUTES = _int_list("ARML_NOTIFICATION_RETRY_MINUTES", "1,5,30")
# A countersignature awaited for more than this many days is a deadline passed.
ARML_COUNTERSIGN_REMINDER_DAYS = env_int("ARML_COUNTERSIGN_REMINDER_DAYS", 15)
# The development loop of `deadlines run` (notifications/tasks.py); production uses the timer.
ARML_DEADLINES_EVERY_MINUTES = env_int("ARML_DEADLINES_EVERY_MINUTES", 15)
# How long the link that sets a new account's password stays valid; it works once.
ARML_ACCOUNT_LINK_DAYS = env_int("ARML_ACCOUNT_LINK_DAYS", 7)
PASSWORD_RESET_TIMEOUT = ARML_ACCOUNT_LINK_DAYS * 24 * 3600

# Attachments (documents/attachments.py): the largest file accepted, in megabytes (10 Mo).
ARML_ATTACHMENT_MAX_MB = env_int("ARML_ATTACHMENT_MAX_MB", 10)
# The financial report (CRF) of a subsidy is due on this day of the following year (MM-DD).
ARML_CRF_DUE = env_str("ARML_CRF_DUE", "06-30")
try:
    dt.date(2001, *(int(part) for part in ARML_CRF_DUE.split("-")))
except (TypeError, ValueError):
    raise ImproperlyConfigured(
        f"ARML_CRF_DUE={ARML_CRF_DUE!r} must be a day of the year as MM-DD, e.g. 06-30"
    ) from None

# Seconds a document's render may take before the transition is refused (render_timeout): the
# render runs in a worker process killed past this budget (documents/renderers/budget.py).
# 0 renders in the server process, without a budget.
ARML_RENDER_TIMEOUT = env_int("ARML_RENDER_TIMEOUT", 20)
if ARML_RENDER_TIMEOUT < 0:
    raise ImproperlyConfigured(f"ARML_RENDER_TIMEOUT={ARML_RENDER_TIMEOUT} cannot be negative.")
ARML_TSA_URL = env_str("ARML_TSA_URL", "")
ARML_CHECKPOINT_EVERY = env_int("ARML_CHECKPOINT_EVERY", 1000)
# The ledger's checkpoints: by age too, time-stamp delay, witness outside the database
# (README § Audit ledger; read and checked by audit.conf).
ARML_CHECKPOINT_MINUTES = env_int("ARML_CHECKPOINT_MINUTES", 10)
ARML_TSA_MAX_DELAY_SECONDS = env_int("ARML_TSA_MAX_DELAY_SECONDS", 600)
ARML_LEDGER_WITNESS_DIR = env_str("ARML_LEDGER_WITNESS_DIR", "")
ARML_LEDGER_WITNESS_STORAGE = env_str("ARML_LEDGER_WITNESS_STORAGE", "")

LOG_LEVEL = env_str("LOG_LEVEL", "INFO" if DEBUG else "WARNING").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"LOG_LEVEL={LOG_LEVEL!r} is not a level: DEBUG, INFO, WARNING, ERROR or CRITICAL."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{levelname} {name}: {message}", "style": "{"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django gives its "django" logger a console handler of its own (DEBUG on): with the
        # root handler above, each of its lines would be printed twice. It goes to the root only.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        # The development server's request lines, as Django prints them (once).
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}
