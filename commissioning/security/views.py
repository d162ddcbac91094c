"""Two-factor pages: overview, set up TOTP (QR code drawn here, no outside service), verify, recovery codes."""

from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import audit
from ..govuk_forms import error_summary
from ..roles import is_staff_user
from .forms import SetupTokenForm, TokenForm
from .middleware import SECOND_FACTOR_SESSION_KEY

RECOVERY_SESSION_KEY = "security_new_recovery_codes"
RECOVERY_CODE_COUNT = 10


def _next_url(request, default):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return default


def _home(user):
    return reverse("wagtailadmin_home") if is_staff_user(user) else reverse("portal:dashboard")


def _new_recovery_codes(user):
    """Replace the user's recovery codes with 10 new single-use ones; the plain codes are returned once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@login_required
def overview(request):
    has_device = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    recovery_left = StaticToken.objects.filter(device__user=request.user).count()
    return render(
        request,
        "security/overview.html",
        {
            "has_device": has_device,
            "recovery_left": recovery_left,
            "is_staff_user": is_staff_user(request.user),
            "page_title": "Two-step sign-in",
        },
    )


@login_required
def setup(request):
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        messages.info(request, "Two-step sign-in is already set up for your account.")
        return redirect("portal:security:overview")
    # One pending device per person, kept across page loads so the QR code does not change on a typo.
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Authenticator app", confirmed=False)
    form = SetupTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", "Too many wrong codes. Wait a minute, then enter the code your app shows.")
        elif device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = _new_recovery_codes(request.user)
                audit.record(actor=request.user, action="security.2fa_enabled", obj=request.user)
            otp_login(request, device)
            request.session[SECOND_FACTOR_SESSION_KEY] = True
            request.session[RECOVERY_SESSION_KEY] = codes
            query = urlencode({"next": _next_url(request, _home(request.user))})
            return redirect(f"{reverse('portal:security:recovery_codes')}?{query}")
        else:
            form.add_error("token", "The security code is wrong or has expired. Enter the code your app shows now.")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, title="QR code for your authenticator app")
    return render(
        request,
        "security/setup.html",
        {
            "form": form,
            "errors": error_summary(form),
            "qr_svg": qr_svg,
            "secret": _base32_secret(device),
            "next": _next_url(request, ""),
            "page_title": "Set up two-step sign-in",
        },
    )


def _base32_secret(device):
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
def verify(request):
    if not user_has_device(request.user, confirmed=True):
        request.session[SECOND_FACTOR_SESSION_KEY] = False
        if not is_staff_user(request.user):  # a provider whose device was removed: nothing to verify
            return redirect(_next_url(request, _home(request.user)))
        return redirect(f"{reverse('portal:security:setup')}?{urlencode({'next': _next_url(request, '')})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                audit.record(
                    actor=request.user,
                    action="security.recovery_code_used",
                    obj=request.user,
                    data={"codes_left": left},
                )
                messages.warning(request, f"You used a recovery code. You have {left} left.")
            return redirect(_next_url(request, _home(request.user)))
        form.add_error("token", "The security code is wrong or has expired. Enter the code your app shows now.")
    return render(
        request,
        "security/verify.html",
        {
            "form": form,
            "errors": error_summary(form),
            "next": _next_url(request, ""),
            "page_title": "Enter your security code",
        },
    )


@login_required
def recovery_codes(request):
    """Shows newly made codes once (they are then gone from the session); POST makes a new set."""
    if request.method == "POST":
        if not request.user.is_verified():
            return redirect(f"{reverse('portal:security:verify')}?next={request.path}")
        with transaction.atomic():
            request.session[RECOVERY_SESSION_KEY] = _new_recovery_codes(request.user)
            audit.record(actor=request.user, action="security.recovery_codes_replaced", obj=request.user)
        return redirect("portal:security:recovery_codes")
    codes = request.session.pop(RECOVERY_SESSION_KEY, None)
    return render(
        request,
        "security/recovery_codes.html",
        {"codes": codes, "next": _next_url(request, _home(request.user)), "page_title": "Your recovery codes"},
    )


@login_required
@require_POST
def disable(request):
    """Providers chose two-step sign-in, so they may turn it off (after proving they hold the device).
    Staff may not while STAFF_2FA_REQUIRED is on."""
    from django.conf import settings

    if is_staff_user(request.user) and settings.STAFF_2FA_REQUIRED:
        messages.error(request, "Staff accounts must keep two-step sign-in turned on.")
        return redirect("portal:security:overview")
    if not request.user.is_verified():
        return redirect(f"{reverse('portal:security:verify')}?next={reverse('portal:security:overview')}")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=request.user).delete()
        StaticDevice.objects.filter(user=request.user).delete()
        audit.record(actor=request.user, action="security.2fa_disabled", obj=request.user)
    request.session[SECOND_FACTOR_SESSION_KEY] = False
    messages.success(request, "Two-step sign-in is turned off.")
    return redirect("portal:security:overview")
