"""Item 2: five wrong passwords lock the account + IP for 30 minutes, with a clear message."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests import factories

PASSWORD = "correct-horse-battery"


def sign_in(client, url, email, password, ip="10.0.0.1"):
    return client.post(url, {"username": email, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["portal:login", "wagtailadmin_login"])
def test_five_failures_lock_the_account_even_with_the_right_password(client, url_name, provider, commissioner):
    user = commissioner if url_name == "wagtailadmin_login" else provider
    url = reverse(url_name)
    for _ in range(4):
        response = sign_in(client, url, user.email, "wrong-password-1")
        assert response.status_code == 200  # the form again, with its error
    response = sign_in(client, url, user.email, "wrong-password-1")
    assert response.status_code == 429
    response = sign_in(client, url, user.email, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in locked for 30 minutes" in page
    assert "govuk-heading-l" in page  # the GOV.UK-styled page, not a bare message
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_other_accounts_and_other_addresses_are_unaffected(client, provider, other_provider):
    url = reverse("portal:login")
    for _ in range(5):
        sign_in(client, url, provider.email, "wrong-password-1")
    assert sign_in(client, url, provider.email, PASSWORD).status_code == 429
    response = sign_in(client, url, other_provider.email, PASSWORD)
    assert response.status_code == 302
    client.logout()
    # The lock is on the username + IP pair: the same person from another address can still sign in.
    assert sign_in(client, url, provider.email, PASSWORD, ip="10.0.0.2").status_code == 302


@pytest.mark.django_db
def test_email_case_does_not_dodge_the_lock(client, provider):
    url = reverse("portal:login")
    for _ in range(5):
        sign_in(client, url, provider.email, "wrong-password-1")
    assert sign_in(client, url, provider.email.upper(), PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_success_before_the_limit_clears_the_count(client, provider):
    url = reverse("portal:login")
    for _ in range(4):
        sign_in(client, url, provider.email, "wrong-password-1")
    assert sign_in(client, url, provider.email, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username=provider.email).exists()


@pytest.mark.django_db
def test_test_client_login_still_works_without_a_request(client, provider):
    # authenticate() without a request (shell, test client) skips the lockout check rather than failing.
    assert client.login(username=provider.email, password=PASSWORD)


def test_lockout_settings():
    from django.conf import settings

    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == 0.5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "commissioning.security.backends.LockoutBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert factories  # the module's fixtures come from tests/conftest.py
