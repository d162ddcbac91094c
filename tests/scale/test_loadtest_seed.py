"""The load test's seeded drafts are complete under the portal's rules: a provider who saves the project
section with the adapter's fields and then submits gets a reference (before the deadline) or the deadline
message (after it). Runs the same Django-side seeding and adapter the load test uses, through the test client."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from commissioning.models import Application
from loadtest import adapter, django_side


@pytest.fixture
def plan(tmp_path):
    out = tmp_path / "plan.json"
    closes = timezone.now() + dt.timedelta(hours=1)
    assert django_side.seed(2, closes.isoformat(), str(out)) == 0
    return json.loads(out.read_text())


def _save_and_submit(client, provider):
    from commissioning.models import User

    client.force_login(User.objects.get(email=provider["email"]))
    saved = client.post(provider["save_path"], adapter.save_fields(5, provider["number"]), follow=True)
    assert adapter.save_acknowledged(type("R", (), {"ok": saved.status_code < 400, "text": saved.content.decode()})())
    return client.post(provider["submit_path"], adapter.SUBMIT_FIELDS, follow=True).content.decode()


@pytest.mark.django_db
def test_a_seeded_draft_saved_with_the_adapters_fields_can_be_submitted(client, plan):
    provider = plan["providers"][0]
    page = _save_and_submit(client, provider)
    application = Application.objects.get(pk=provider["application"])
    assert application.status == "submitted"
    assert adapter.REFERENCE_PATTERN.search(page).group(0) == application.reference
    assert application.project_title == adapter.save_fields(5, provider["number"])[adapter.SAVED_FIELD]


@pytest.mark.django_db
def test_after_the_deadline_the_portal_shows_the_deadline_message(client, plan):
    assert django_side.set_deadline((timezone.now() - dt.timedelta(seconds=1)).isoformat()) == 0
    provider = plan["providers"][1]
    page = _save_and_submit(client, provider)
    assert adapter.DEADLINE_MESSAGE in page
    assert Application.objects.get(pk=provider["application"]).status == "draft"


def test_every_adapter_url_name_exists():
    assert django_side.check() == 0
    assert reverse(adapter.SUBMIT_URL_NAME, args=adapter.url_args(adapter.SUBMIT_URL_NAME, 1))
