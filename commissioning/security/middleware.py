"""Two-factor enforcement, Permissions-Policy and a Content Security Policy scoped by area."""

from urllib.parse import urlencode

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django_otp import user_has_device

from ..roles import is_staff_user

SECOND_FACTOR_SESSION_KEY = "security_has_second_factor"
STAFF_SESSION_KEY = "security_is_staff"


def admin_prefix():
    return reverse("wagtailadmin_home")


def _exempt_paths():
    """Where a signed-in person who still owes a second step may go: the set-up and verify pages
    themselves, and signing in or out."""
    return {
        reverse("portal:security:setup"),
        reverse("portal:security:verify"),
        reverse("wagtailadmin_login"),
        reverse("wagtailadmin_logout"),
        reverse("portal:login"),
        reverse("portal:logout"),
    }


def _is_staff(request, user, path):
    """Whether this person holds a staff role. Under /admin/ asked of the database every time; elsewhere from
    the flag set at sign-in (signals.remember_second_factor), so portal and public pages cost no extra query.
    A role given during a session is in force under /admin/ at once and elsewhere from the next sign-in."""
    if path.startswith(admin_prefix()):
        return is_staff_user(user)
    flag = request.session.get(STAFF_SESSION_KEY)
    if flag is None:  # a session from before the flag existed: look once, then remember
        flag = request.session[STAFF_SESSION_KEY] = is_staff_user(user)
    return flag


def _needs_second_factor(request):
    """Where the signed-in, unverified user must go first, or None."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_verified():
        return None
    path = request.path_info
    if path in _exempt_paths():
        return None
    if settings.STAFF_2FA_REQUIRED and _is_staff(request, user, path):
        # Staff reach nothing else until the second step is done: not the admin, not the portal's
        # downloads, not even the public pages (one rule, with nothing to forget when a URL is added).
        has_device = user_has_device(user, confirmed=True)
        return "portal:security:verify" if has_device else "portal:security:setup"
    # A provider who opted in has to use their device for the portal too. The flag is set at sign-in
    # (signals.remember_second_factor), so portal pages cost no extra query.
    if (
        path.startswith(reverse("portal:dashboard"))
        and not path.startswith(reverse("portal:security:overview"))
        and request.session.get(SECOND_FACTOR_SESSION_KEY)
    ):
        return "portal:security:verify"
    return None


class StaffTwoFactorMiddleware:
    """Staff roles reach any page only with a verified OTP device (set up or verify first).

    Runs after django-otp's OTPMiddleware, which gives ``request.user.is_verified()``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        target = _needs_second_factor(request)
        if target:
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set (it already sets Cross-Origin-Opener-Policy).

    Anything answered to a signed-in person (portal, staff area, downloads, even a public page) is
    ``Cache-Control: no-store, private``: no shared proxy and no browser cache keeps a copy of a return,
    an application or an agreement for the next person at that computer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class ScopedCSPMiddleware(CSPMiddleware):
    """CONTENT_SECURITY_POLICY everywhere; ADMIN_CSP_RELAXATIONS replace directives under /admin/ only,
    because the Wagtail admin ships inline scripts and style attributes. Our own templates have none."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(admin_prefix()):
            # Wagtail previews pages in a same-origin iframe.
            parts.replace = {**settings.ADMIN_CSP_RELAXATIONS, "frame-ancestors": ["'self'"], **(parts.replace or {})}
        return parts
