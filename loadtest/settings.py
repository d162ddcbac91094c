"""Production settings, served over plain HTTP on 127.0.0.1 for the load test (no TLS in front)."""

from config.settings.production import *  # noqa: F401,F403
from config.settings.production import STORAGES

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
