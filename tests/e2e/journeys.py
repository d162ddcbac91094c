"""Steps the browser journeys share: signing in, keyboard navigation and test documents."""

import re

from django.conf import settings
from django.core import mail

PASSWORD = "correct-horse-battery"
# The smallest file the upload check accepts as a PDF: the header, one object and a trailer.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_file(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF_BYTES}


def sign_in_to_portal(page, email, password=PASSWORD):
    page.goto("/portal/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/portal/")


def sign_in_to_admin(page, user, password=PASSWORD, *, check_accessibility=False):
    """Sign in through Wagtail's own login page and, when two-factor sign-in is on, the security-code page."""
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/admin/login/" not in url)
    if getattr(settings, "STAFF_2FA_REQUIRED", False):
        assert "/security/verify/" in page.url, f"Expected the security-code page, got {page.url}"
        if check_accessibility:
            from tests.e2e.conftest import assert_accessible

            assert_accessible(page)
        enter_security_code(page, user)
    page.wait_for_url(lambda url: "/admin/" in url and "/admin/login/" not in url)


def enter_security_code(page, user):
    """Type the code the user's authenticator app would show now, from their confirmed TOTP device."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    # A code is accepted once: these journeys sign the same person in again within one 30-second step,
    # where a real person would wait for the next code, so forget the last code used.
    device.last_t = -1
    device.save(update_fields=["last_t"])
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("Security code").fill(f"{totp.token():0{device.digits}d}")
    page.get_by_role("button", name="Continue").click()


def give_two_factor_device(user):
    """A confirmed TOTP device, as a member of staff has after setting up two-step sign-in."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def last_email_link(to, pattern):
    """The path of the first link matching ``pattern`` in the latest email sent to ``to``."""
    for message in reversed(mail.outbox):
        if to in message.to:
            found = re.search(pattern, message.body)
            if found:
                return found.group(0)
    raise AssertionError(f"No email to {to} contains a link matching {pattern}")


def focused(page):
    return page.evaluate(
        "document.activeElement && (document.activeElement.id || document.activeElement.textContent.trim())"
    )


def assert_focus_visible(page):
    """The focused element shows a focus indicator: an outline, or GOV.UK's box-shadow/yellow fill."""
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return {outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow}; }"""
    )
    visible = (style["outline"] not in ("none", "") and style["width"] != "0px") or style["shadow"] not in ("none", "")
    assert visible, f"No visible focus indicator on {focused(page)!r}: {style}"


def tab_to(page, selector, *, limit=80):
    """Press Tab until the element matching ``selector`` has focus (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            assert_focus_visible(page)
            return
    raise AssertionError(f"Tab never reached {selector}; focus is on {focused(page)!r}")
