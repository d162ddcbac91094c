"""Lean, fast settings for the test suite (see bakerydemo's test settings)."""

from .base import *  # noqa: F401,F403
from .base import BASE_DIR

DEBUG = False
SECRET_KEY = "test-only-secret-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = str(BASE_DIR / "test-artifacts" / "media")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
LOGGING = {"version": 1, "disable_existing_loggers": False}

# Staff two-factor enforcement is off for the suite so admin tests can use client.force_login(staff) as they
# always have. tests/trust/test_two_factor.py turns it on (override_settings) and proves enforcement for every
# staff role and every /admin/ prefix; tests/trust/test_production_settings.py proves base.py and production.py
# keep it on. Use tests.conftest.otp_login(client, user) for a verified staff session.
STAFF_2FA_REQUIRED = False
