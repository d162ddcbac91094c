"""Provider portal: sign-in and the dashboard. Views are thin; rules live in services and permissions."""

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from ..govuk_forms import GovukFormMixin
from ..models import Call, Membership, MembershipStatus
from ..portal_panels import render_panels
from ..services.applications import applications_for, format_deadline


class SignInForm(GovukFormMixin, AuthenticationForm):
    username = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    error_messages = {
        "invalid_login": "Enter the email address and password of an account. The password is case-sensitive.",
        "inactive": "This account is not active.",
    }


class SignInView(auth_views.LoginView):
    template_name = "portal/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


def days_left(call, today):
    return (timezone.localtime(call.closes_at).date() - today).days


@login_required
def dashboard(request):
    now = timezone.now()
    today = timezone.localdate(now)
    open_calls = [
        {"call": call, "days_left": days_left(call, today), "closes": format_deadline(call.closes_at)}
        for call in Call.objects.open(now).order_by("closes_at")
    ]
    memberships = list(Membership.objects.filter(user=request.user).select_related("organisation"))
    organisations = [m.organisation for m in memberships if m.status == MembershipStatus.APPROVED]
    applications = list(applications_for(request.user).order_by("-created_at")) if organisations else []
    panels = [
        render_to_string(template_name, context, request=request)
        for template_name, context in render_panels(request, organisations)
    ]
    return render(
        request,
        "portal/dashboard.html",
        {
            "open_calls": open_calls,
            "memberships": memberships,
            "organisations": organisations,
            "pending": [m for m in memberships if m.status == MembershipStatus.PENDING],
            "applications": applications,
            "panels": panels,
            "page_title": "Your dashboard",
        },
    )
