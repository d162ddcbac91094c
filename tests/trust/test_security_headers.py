"""Item 3: Content Security Policy (strict for our pages, relaxed only under /admin/) and other headers."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import otp_login

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()}


def assert_common_headers(response):
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_public_page_has_the_strict_policy(client):
    response = client.get("/portal/sign-in/")  # public (no sign-in needed)
    assert response.status_code == 200
    got = directives(response)
    for name, value in STRICT.items():
        assert got[name] == value, name
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert_common_headers(response)


@pytest.mark.django_db
def test_wagtail_served_public_path_has_the_strict_policy(client):
    response = client.get("/")
    got = directives(response)
    assert got["script-src"] == "'self'"
    assert_common_headers(response)


@pytest.mark.django_db
def test_portal_page_has_the_strict_policy(client, provider):
    client.force_login(provider)
    response = client.get("/portal/")
    assert response.status_code == 200
    assert directives(response)["script-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert_common_headers(response)


@pytest.mark.django_db
def test_admin_page_has_the_relaxed_policy_only_for_wagtail(client, commissioner):
    otp_login(client, commissioner)
    response = client.get("/admin/")
    assert response.status_code == 200
    got = directives(response)
    assert got["script-src"] == "'self' 'unsafe-inline'"
    assert got["style-src"] == "'self' 'unsafe-inline'"
    assert got["object-src"] == "'none'"
    assert got["frame-ancestors"] == "'self'"
    assert_common_headers(response)


def test_our_templates_have_no_inline_scripts_styles_or_handlers():
    root = Path(settings.BASE_DIR)
    offenders = []
    for folder in ["templates", "commissioning/templates", "outcomes/templates", "cms/templates"]:
        for path in (root / folder).rglob("*.html") if (root / folder).exists() else []:
            # Wagtail admin templates (extending wagtailadmin/) fall under the admin's relaxed policy.
            text = path.read_text()
            if "wagtailadmin/" in text and "{% extends" in text:
                continue
            for match in re.finditer(r"<script\b[^>]*>", text):
                if "src=" not in match.group(0) and 'type="application/json"' not in match.group(0):
                    offenders.append(f"{path}: {match.group(0)}")
            if re.search(r"\son[a-z]+=\"", text) or re.search(r"<style\b", text) or re.search(r"\sstyle=\"", text):
                offenders.append(f"{path}: inline handler or style")
    assert offenders == []


def test_qr_code_svg_has_no_inline_style():
    import segno

    svg = segno.make("otpauth://totp/x?secret=ABC", error="m").svg_inline(scale=5, title="t")
    assert "style=" not in svg and "<style" not in svg
