"""Provider portal: sign-in and the dashboard. Views are thin; rules live in services and permissions."""

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils import timezone

from ..govuk_forms import GovukFormMixin
from ..models import Call


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


@login_required
def dashboard(request):
    now = timezone.now()
    open_calls = Call.objects.open(now).order_by("closes_at")
    return render(request, "portal/dashboard.html", {"open_calls": open_calls, "now": now, "page_title": "Your dashboard"})
