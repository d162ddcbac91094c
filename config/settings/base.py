"""Settings shared by every environment.

Everything that differs between machines is read from the environment, so production differs from
development only by its variables (and the few hardening lines in ``production.py``).
"""

import os
from decimal import Decimal
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# A development key only: production.py refuses to start with it.
DEV_SECRET_KEY = "dev-only-insecure-key-bcsp-change-me"
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Concurrent writers (runserver threads, the task worker) otherwise hit "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})

INSTALLED_APPS = [
    "commissioning",
    "outcomes",
    "cms",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "commissioning.users_app.BCSPUsersAppConfig",  # wagtail.users with our user screens
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "import_export",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # --- Sign-in security (issue 6, item 2): two-factor, lockout, content security policy ---
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
]
if IS_POSTGRES:
    # Wagtail's PostgreSQL search backend needs it.
    INSTALLED_APPS.append("django.contrib.postgres")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # --- Sign-in security (issue 6, item 2/3) ---
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified()
    "commissioning.security.actor.CurrentActorMiddleware",  # the actor for audit entries written by signals
    "commissioning.security.middleware.StaffTwoFactorMiddleware",  # staff need a verified device for /admin/
    "commissioning.security.middleware.SecurityHeadersMiddleware",  # Permissions-Policy, COOP
    "commissioning.security.middleware.ScopedCSPMiddleware",  # CSP; relaxed only under /admin/
    # --- end sign-in security ---
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: it turns a lockout signal into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
    # Plain-text email (commissioning.notifications.render_plain_text): never HTML-escaped, because an email
    # is not a web page. Only emails/*.txt are rendered with it.
    {
        "NAME": "email",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"autoescape": False},
    },
]

WSGI_APPLICATION = "config.wsgi.application"

AUTH_USER_MODEL = "commissioning.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses sign-in for a locked username + IP before any password is checked.
    "commissioning.security.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "cms" / "static_build"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Provider attachments and uploaded returns: never under MEDIA_URL, served only by permission-checked views.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.environ.get("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media")),
            "base_url": None,
        },
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "BCSP Grants <grants@bcsp.example.org>")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# Email and slow work go through the task interface: immediate here, the database backend in production.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
    }
}

WAGTAIL_SITE_NAME = "Bexley Community Safety Partnership"
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
SITE_URL = WAGTAILADMIN_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# The staff password-reset email goes through commissioning.notifications like every other email.
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "commissioning.security.forms.StaffPasswordResetForm"
# The public document library takes what provider attachments take, checked by content (cms/forms.py).
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "odt"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.forms.CheckedDocumentForm"
WAGTAIL_USER_CUSTOM_FIELDS = []
# Staff are invited by email and choose their own password: the admin's user forms have no password fields.
WAGTAILUSERS_PASSWORD_ENABLED = False
# No external avatar service: Wagtail shows its own default avatar (our CSP would block Gravatar anyway).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Help in the staff area is our own (commissioning/admin_views/help.py), not Wagtail's release notes.
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(60 * 60 * 2)))
SESSION_SAVE_EVERY_REQUEST = True  # the age counts from the last request: an inactivity timeout
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Sign-in security (issue 6, items 2 and 3) -------------------------------------------------------
# Staff roles need a verified TOTP device to reach the Wagtail admin. Off only in config/settings/test.py
# (tests/trust/test_two_factor.py proves enforcement with it on); production.py forces it on.
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", True)
OTP_TOTP_ISSUER = "BCSP Grants"
OTP_STATIC_CODES = 10  # recovery codes shown once
# django-axes: lock a username + IP pair after 5 failures for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in forms name the email field "username"
AXES_USERNAME_CALLABLE = "commissioning.security.backends.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "security/locked_out.html"
# Content Security Policy (django-csp 4): no inline scripts or styles on our pages. The Wagtail admin
# ships inline <script> blocks and style attributes, so ScopedCSPMiddleware relaxes script-src and
# style-src for /admin/ only (ADMIN_CSP_RELAXATIONS).
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
    }
}
ADMIN_CSP_RELAXATIONS = {
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-src": ["'self'"],
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# --- end sign-in security ---------------------------------------------------------------------------

DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Domain settings -----------------------------------------------------------------------------
# 360Giving: the funder's registered prefix and identity (domain.md).
GRANT_ID_PREFIX = os.environ.get("GRANT_ID_PREFIX", "360G-BCSP")
FUNDER_ORG_ID = os.environ.get("FUNDER_ORG_ID", "GB-LAE-BEX")
FUNDER_ORG_NAME = os.environ.get("FUNDER_ORG_NAME", "London Borough of Bexley")
FUNDER_DEPARTMENT = os.environ.get("FUNDER_DEPARTMENT", "Bexley Community Safety Partnership")
# Counts of people from 1 to this number are shown as "<N+1>" wherever figures leave the system.
SMALL_NUMBER_THRESHOLD = int(os.environ.get("SMALL_NUMBER_THRESHOLD", "4"))
RETURN_DUE_DAYS = int(os.environ.get("RETURN_DUE_DAYS", "21"))
RAG_GREEN_AT = Decimal(os.environ.get("RAG_GREEN_AT", "90"))
RAG_AMBER_AT = Decimal(os.environ.get("RAG_AMBER_AT", "70"))
# Retention (issue 6, item 8; `manage.py apply_retention`): unsuccessful applications (rejected,
# ineligible, withdrawn) are anonymised this many years after the decision / withdrawal / ineligibility;
# provider accounts unused for this many days are deactivated. The privacy notice quotes these values.
RETENTION_UNSUCCESSFUL_YEARS = int(os.environ.get("RETENTION_UNSUCCESSFUL_YEARS", "2"))
RETENTION_INACTIVE_ACCOUNT_DAYS = int(os.environ.get("RETENTION_INACTIVE_ACCOUNT_DAYS", "730"))
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
RETURN_UPLOAD_MAX_BYTES = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per task and per page action drowns the useful output; warnings still show.
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
