import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from commissioning import portal_panels
from commissioning.fiscal import LONDON
from tests import factories

from .conftest import make_call

pytestmark = pytest.mark.django_db


def test_dashboard_lists_open_calls_with_days_left_and_own_applications(
    client, provider, organisation, other_organisation
):
    today = timezone.localdate()
    closes = dt.datetime(today.year, today.month, today.day, 12, 0, tzinfo=LONDON) + dt.timedelta(days=5)
    call = make_call(title="Night safety", closes_at=closes)
    make_call(
        title="Long closed",
        opens_at=timezone.now() - dt.timedelta(days=60),
        closes_at=timezone.now() - dt.timedelta(days=30),
    )
    factories.ApplicationFactory(call=call, organisation=organisation, created_by=provider, project_title="Ours")
    factories.ApplicationFactory(call=call, organisation=other_organisation, project_title="Theirs")
    client.force_login(provider)
    content = client.get(reverse("portal:dashboard")).content.decode()
    assert "Night safety" in content and "5 days" in content
    assert "Long closed" not in content
    assert "Ours" in content and "Theirs" not in content
    assert "Draft" in content


def test_dashboard_includes_registered_panels(client, provider, organisation, monkeypatch):
    seen = []

    def panel(request, organisations):
        seen.append(list(organisations))
        return ("portal/message.html", {"page_title": "Panel from another app", "body": "Next return due"})

    monkeypatch.setattr(portal_panels, "_panels", [(1, panel)])
    client.force_login(provider)
    content = client.get(reverse("portal:dashboard")).content.decode()
    assert "Next return due" in content
    assert seen == [[organisation]]


def test_person_without_organisation_is_offered_create_or_join(client):
    client.force_login(factories.UserFactory(email_confirmed_at=timezone.now()))
    content = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("portal:organisation_create") in content and reverse("portal:organisation_join") in content


def test_unconfirmed_person_is_asked_to_confirm(client):
    client.force_login(factories.UserFactory())
    assert "Confirm your email address" in client.get(reverse("portal:dashboard")).content.decode()
