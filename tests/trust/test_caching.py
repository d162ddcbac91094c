"""Issue 11, item 8: whatever is answered to a signed-in person is ``Cache-Control: no-store, private``, so no
browser or shared cache keeps a provider's returns, applications or agreements (or a staff screen)."""

import pytest
from django.urls import reverse
from django.utils.cache import get_max_age

from tests import factories
from tests.conftest import otp_login

pytestmark = pytest.mark.django_db


def cache_directives(response):
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()}


def assert_not_stored(response, what):
    directives = cache_directives(response)
    assert {"no-store", "private"} <= directives, f"{what}: Cache-Control is {response.get('Cache-Control')!r}"
    assert "public" not in directives and not get_max_age(response), what


@pytest.fixture
def funded(organisation, provider, commissioner):
    from outcomes.services.awards import accept_award
    from tests.outcomes.conftest import approved_application, award_for

    award = accept_award(
        award=award_for(approved_application(organisation=organisation), commissioner),
        actor=provider,
        typed_name=provider.get_full_name(),
    )
    return award


def test_signed_in_portal_pages_are_never_stored(client, provider, organisation, funded):
    draft = factories.ApplicationFactory(organisation=organisation, created_by=provider)
    quarterly_return = funded.returns.order_by("due_date").first()
    client.force_login(provider)
    pages = {
        "dashboard": reverse("portal:dashboard"),
        "application": reverse("portal:application", args=[draft.pk]),
        "section": reverse("portal:section", args=[draft.pk, "project"]),
        "award": reverse("outcomes_portal:award", args=[funded.pk]),
        "agreement": reverse("outcomes_portal:agreement", args=[funded.pk]),
        "return": reverse("outcomes_portal:return", args=[quarterly_return.pk]),
        "return template": reverse("outcomes_portal:return_template", args=[quarterly_return.pk]),
        "organisation": reverse("portal:organisation"),
        "security": reverse("portal:security:overview"),
        "public home page, signed in": "/",
    }
    for what, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, what
        assert_not_stored(response, what)
    # A redirect after a post is not kept either.
    response = client.post(reverse("portal:section", args=[draft.pk, "project"]), {"action": "later"})
    assert response.status_code == 302
    assert_not_stored(response, "redirect after saving")


def test_staff_screens_and_exports_are_never_stored(client, commissioner, funded):
    otp_login(client, commissioner)
    for what, url in {
        "admin home": reverse("wagtailadmin_home"),
        "award": reverse("outcomes_admin:award", args=[funded.pk]),
        "reporting": reverse("reporting:dashboard"),
        "board pack": reverse("reporting:board_pack"),
        "organisations": reverse("organisations:index"),
    }.items():
        response = client.get(url)
        assert response.status_code == 200, what
        assert_not_stored(response, what)


def test_anonymous_public_pages_may_be_cached(client):
    response = client.get(reverse("opendata:360giving_json"))
    assert response.status_code == 200
    assert "no-store" not in cache_directives(response)
