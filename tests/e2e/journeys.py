"""Steps the browser journeys share: signing in, keyboard navigation and test documents."""

import re

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


def sign_out_of_portal(page):
    page.context.clear_cookies()


def sign_in_to_admin(page, user, password=PASSWORD):
    """Sign in through Wagtail's own login page (and the two-factor step when the project has one)."""
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(password)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_load_state()
    verify_two_factor_if_asked(page, user)
    assert "/admin/login/" not in page.url, f"Staff sign-in failed: still on {page.url}"


def verify_two_factor_if_asked(page, user):
    """When staff two-factor sign-in is on, type the current code from the user's confirmed device."""
    token_input = page.locator("input[name=otp_token], input[name=token], input[autocomplete=one-time-code]")
    if not token_input.count():
        return
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    assert device is not None, f"{user.email} has no confirmed TOTP device for two-factor sign-in"
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    token_input.first.fill(f"{totp.token():0{device.digits}d}")
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_load_state()


def give_two_factor_device(user):
    """A confirmed TOTP device, as a member of staff has after enrolling (only when django_otp is installed)."""
    from django.apps import apps

    if not apps.is_installed("django_otp.plugins.otp_totp"):
        return None
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
    return page.evaluate("document.activeElement && (document.activeElement.id || document.activeElement.textContent.trim())")


def assert_focus_visible(page):
    """The focused element shows a focus indicator: an outline, or GOV.UK's box-shadow/yellow fill."""
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return {outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow, bg: s.backgroundColor}; }"""
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
