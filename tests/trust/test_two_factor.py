"""Item 2: staff need a verified TOTP device for the Wagtail admin; providers may opt in."""

import pytest
from django.test import override_settings
from django.urls import get_resolver, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from commissioning.models import AuditEntry
from commissioning.roles import Role
from tests import factories
from tests.conftest import otp_login

STAFF_ROLES = [Role.COMMISSIONER, Role.ASSESSOR, Role.EXECUTIVE, Role.ADMINISTRATOR]


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def admin_prefixes():
    """Every first path segment under /admin/ in the URL configuration, plus the admin home."""
    # The admin's include (the staff home, a single view at the same address, comes before it).
    admin_resolver = next(
        p for p in get_resolver().url_patterns if str(p.pattern) == "admin/" and hasattr(p, "url_patterns")
    )
    segments = {""}
    for pattern in admin_resolver.url_patterns:
        text = str(pattern.pattern).lstrip("^")
        first = text.split("/")[0]
        if first and "<" not in first and "(" not in first and "\\" not in first:
            segments.add(first + "/")
    return sorted(segments)


EXEMPT = {"login/", "logout/"}


@pytest.mark.django_db
@override_settings(STAFF_2FA_REQUIRED=True)
@pytest.mark.parametrize("role", STAFF_ROLES)
def test_every_staff_role_without_a_device_is_sent_to_set_up_from_every_admin_prefix(client, role):
    user = factories.staff_user(role)
    client.force_login(user)
    prefixes = [p for p in admin_prefixes() if p not in EXEMPT]
    assert len(prefixes) > 20  # the whole Wagtail admin, not a sample
    for prefix in prefixes:
        path = f"/admin/{prefix}"
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("portal:security:setup")), path
        response = client.post(path, {})
        assert response.status_code == 302 and "/security/set-up/" in response["Location"], path


@pytest.mark.django_db
@override_settings(STAFF_2FA_REQUIRED=True)
@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_with_an_unverified_session_are_sent_to_verify(client, role):
    user = factories.staff_user(role)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    for prefix in [p for p in admin_prefixes() if p not in EXEMPT]:
        response = client.get(f"/admin/{prefix}")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portal:security:verify"))


@pytest.mark.django_db
@override_settings(STAFF_2FA_REQUIRED=True)
@pytest.mark.parametrize("role", STAFF_ROLES)
def test_a_verified_staff_session_reaches_the_admin(client, role):
    otp_login(client, factories.staff_user(role))
    # The executive's home is reporting (each role lands where its work is); still inside the admin.
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200 and response.request["PATH_INFO"].startswith("/admin/")


@pytest.mark.django_db
@override_settings(STAFF_2FA_REQUIRED=True)
def test_wagtail_login_then_setup_then_admin(client, commissioner):
    response = client.post("/admin/login/", {"username": commissioner.email, "password": "correct-horse-battery"})
    assert response.status_code == 302
    response = client.get("/admin/")
    assert response["Location"] == f"{reverse('portal:security:setup')}?next=%2Fadmin%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"<svg" in page.content  # QR code drawn on the server
    device = TOTPDevice.objects.get(user=commissioner, confirmed=False)
    # A wrong code is refused with a clear message, and the pending device stays the same.
    page = client.post(reverse("portal:security:setup"), {"token": "000000", "next": "/admin/"})
    assert page.status_code == 200
    assert b"The security code is wrong" in page.content
    assert page.content.decode().count("Error: ") == 1
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows retries after a wrong code: as if the person waited
    response = client.post(reverse("portal:security:setup"), {"token": current_code(device), "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:security:recovery_codes"))
    device.refresh_from_db()
    assert device.confirmed
    codes_page = client.get(response["Location"])
    codes = [code for code in StaticToken.objects.filter(device__user=commissioner).values_list("token", flat=True)]
    assert len(codes) == 10
    for code in codes:
        assert code.encode() in codes_page.content
    # Shown once only.
    again = client.get(reverse("portal:security:recovery_codes"))
    assert codes[0].encode() not in again.content
    assert client.get("/admin/").status_code == 200
    assert AuditEntry.objects.filter(action="security.2fa_enabled", object_id=str(commissioner.pk)).exists()


@pytest.mark.django_db
@override_settings(STAFF_2FA_REQUIRED=True)
def test_verify_with_totp_code_and_with_single_use_recovery_code(client, administrator):
    otp_login(client, administrator)
    client.post(reverse("portal:security:recovery_codes"))
    code = StaticToken.objects.filter(device__user=administrator).first().token
    device = TOTPDevice.objects.get(user=administrator)
    client.logout()

    client.force_login(administrator)
    assert client.get("/admin/")["Location"].startswith(reverse("portal:security:verify"))
    response = client.post(reverse("portal:security:verify"), {"token": "123456", "next": "/admin/"})
    assert response.status_code == 200 and b"The security code is wrong" in response.content
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows retries after a wrong code: as if the person waited
    response = client.post(reverse("portal:security:verify"), {"token": current_code(device), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    client.logout()

    client.force_login(administrator)
    StaticDevice.objects.get(user=administrator).throttle_reset()  # the wrong code above slowed it too
    response = client.post(reverse("portal:security:verify"), {"token": code, "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert StaticToken.objects.filter(device__user=administrator).count() == 9
    assert AuditEntry.objects.filter(action="security.recovery_code_used").exists()
    client.logout()
    client.force_login(administrator)
    response = client.post(reverse("portal:security:verify"), {"token": code, "next": "/admin/"})
    assert response.status_code == 200  # used once: refused now


@pytest.mark.django_db
@override_settings(STAFF_2FA_REQUIRED=True)
def test_verify_refuses_an_offsite_next(client, administrator):
    device = TOTPDevice.objects.create(user=administrator, name="app", confirmed=True)
    client.force_login(administrator)
    response = client.post(
        reverse("portal:security:verify"), {"token": current_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/admin/"


@pytest.mark.django_db
@override_settings(STAFF_2FA_REQUIRED=True)
def test_staff_cannot_turn_two_factor_off(client, administrator):
    otp_login(client, administrator)
    client.post(reverse("portal:security:disable"))
    assert TOTPDevice.objects.filter(user=administrator).exists()


@pytest.mark.django_db
@override_settings(STAFF_2FA_REQUIRED=True)
def test_providers_are_not_forced_but_may_opt_in_and_then_need_the_code(client, provider):
    client.force_login(provider)
    assert client.get(reverse("portal:dashboard")).status_code == 200
    assert b"Two-step sign-in is <strong>off</strong>" in client.get(reverse("portal:security:overview")).content
    client.get(reverse("portal:security:setup"))
    device = TOTPDevice.objects.get(user=provider)
    client.post(reverse("portal:security:setup"), {"token": current_code(device)})
    assert client.get(reverse("portal:dashboard")).status_code == 200  # verified in this session
    client.logout()
    client.force_login(provider)
    response = client.get(reverse("portal:dashboard"))
    assert response["Location"].startswith(reverse("portal:security:verify"))
    # and may turn it off again, having proved they hold the device (a recovery code: the app's current
    # code was used once already in this 30-second step, and django-otp refuses replays)
    recovery = StaticToken.objects.filter(device__user=provider).first().token
    assert client.post(reverse("portal:security:verify"), {"token": recovery})["Location"] == "/portal/"
    client.post(reverse("portal:security:disable"))
    assert not TOTPDevice.objects.filter(user=provider).exists()
    assert AuditEntry.objects.filter(action="security.2fa_disabled").exists()


@pytest.mark.django_db
def test_with_enforcement_off_force_login_still_reaches_the_admin(client, commissioner, settings):
    settings.STAFF_2FA_REQUIRED = False
    client.force_login(commissioner)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_anonymous_security_pages_ask_to_sign_in(client):
    for name in ["overview", "setup", "verify", "recovery_codes"]:
        response = client.get(reverse(f"portal:security:{name}"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("portal:login"))


@pytest.mark.django_db
def test_a_provider_whose_device_was_removed_is_not_stuck(client, provider):
    device = TOTPDevice.objects.create(user=provider, name="app", confirmed=True)
    client.force_login(provider)  # the sign-in remembers that this person has a device
    assert client.get(reverse("portal:dashboard"))["Location"].startswith(reverse("portal:security:verify"))
    device.delete()  # e.g. reset by an administrator
    response = client.get(reverse("portal:security:verify") + "?next=/portal/")
    assert response["Location"] == "/portal/"
    assert client.get(reverse("portal:dashboard")).status_code == 200


@pytest.mark.django_db
def test_reset_two_factor_command_removes_devices_and_is_audited(administrator):
    from io import StringIO

    from django.core.management import CommandError, call_command

    TOTPDevice.objects.create(user=administrator, name="app", confirmed=True)
    out = StringIO()
    call_command("reset_two_factor", administrator.email.upper(), reason="Ticket 42: lost phone", stdout=out)
    assert "Removed 1 device record(s)" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=administrator).exists()
    entry = AuditEntry.objects.get(action="security.2fa_reset")
    assert entry.comment == "Ticket 42: lost phone" and entry.object_id == str(administrator.pk)
    with pytest.raises(CommandError, match="No account has the email address"):
        call_command("reset_two_factor", "nobody@example.test", reason="x")


def _submitted_application_with_a_file(organisation):
    application = factories.ApplicationFactory(organisation=organisation, status="submitted")
    return application, factories.AttachmentFactory(application=application)


@pytest.mark.django_db
@override_settings(STAFF_2FA_REQUIRED=True)
@pytest.mark.parametrize("has_device", [False, True])
def test_staff_without_the_second_step_reach_no_download_portal_or_public_page(client, organisation, has_device):
    """Issue 11: a staff account that had not set up two-step sign-in downloaded attachments through the
    portal's download route. Now every page but set-up (or verify) sends it there first."""
    application, attachment = _submitted_application_with_a_file(organisation)
    commissioner = factories.staff_user(Role.COMMISSIONER)
    if has_device:
        TOTPDevice.objects.create(user=commissioner, name="app", confirmed=True)
    client.force_login(commissioner)
    target = reverse("portal:security:verify" if has_device else "portal:security:setup")
    for path in [
        reverse("portal:attachment_download", args=[application.pk, attachment.token]),
        reverse("assessment_admin:attachment", args=[attachment.token]),
        reverse("portal:dashboard"),
        reverse("portal:application", args=[application.pk]),
        reverse("portal:security:overview"),
        reverse("portal:security:recovery_codes"),
        reverse("opendata:360giving_csv"),
        "/",
    ]:
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code == 302, (method, path)
            assert response["Location"].startswith(target), (method, path)
    assert not AuditEntry.objects.filter(action="attachment.downloaded").exists()
    # The one page left open is the one that lets them in.
    assert client.get(target).status_code == 200


@pytest.mark.django_db
@override_settings(STAFF_2FA_REQUIRED=True)
def test_staff_may_still_sign_out_before_the_second_step(client, commissioner):
    client.force_login(commissioner)
    response = client.post(reverse("portal:logout"))
    assert response.status_code == 302 and not response["Location"].startswith(reverse("portal:security:setup"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(STAFF_2FA_REQUIRED=True)
def test_a_session_from_before_the_staff_flag_is_still_sent_to_set_up(client, commissioner):
    from commissioning.security.middleware import STAFF_SESSION_KEY

    client.force_login(commissioner)
    session = client.session
    del session[STAFF_SESSION_KEY]
    session.save()
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:security:setup"))
    assert client.session[STAFF_SESSION_KEY] is True
