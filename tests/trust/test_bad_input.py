"""Issue 6, "bad input to try": each gives a clear message, no 500 and nothing lost."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from commissioning.models import Application, Organisation
from commissioning.text_limits import LONG_TEXT_MAX_CHARS
from tests import factories

pytestmark = pytest.mark.django_db

MEGABYTE = "x" * (1024 * 1024)
SCRIPT = '<script>alert("owned")</script><b onmouseover="x()">bold</b>'
NAMES = [
    "Cymorth Menywod Cymru: Llais ŵyr ac ŷd",
    "Fundacja Zażółć Gęślą Jaźń",
    "جمعية دعم النساء",
    "Rainbow Refuge 🌈✨",
]


@pytest.fixture
def draft(organisation):
    return factories.ApplicationFactory(organisation=organisation, status="draft", summary="Kept summary.")


def project_url(application):
    return reverse("portal:section", args=[application.pk, "project"])


def test_a_megabyte_narrative_is_refused_with_the_limit_and_other_answers_are_kept(client, provider, draft):
    client.force_login(provider)
    response = client.post(
        project_url(draft), {"summary": MEGABYTE, "delivery_plan": "Weekly groups.", "action": "later"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in body
    assert f"This must be 20,000 characters or fewer. You entered {len(MEGABYTE)} characters." in body
    draft.refresh_from_db()
    assert draft.summary == "Kept summary."  # the old answer is not lost
    assert draft.delivery_plan == "Weekly groups."  # the valid answer is saved


def test_text_at_the_limit_is_accepted(client, provider, draft):
    client.force_login(provider)
    response = client.post(project_url(draft), {"other_partners": "x" * LONG_TEXT_MAX_CHARS, "action": "later"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert len(draft.other_partners) == LONG_TEXT_MAX_CHARS
    response = client.post(project_url(draft), {"other_partners": "y" * (LONG_TEXT_MAX_CHARS + 1), "action": "later"})
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.other_partners == "x" * LONG_TEXT_MAX_CHARS


def test_staff_long_text_is_capped_too(client, commissioner, organisation):
    from commissioning.admin_views.forms import DecisionForm, ReasonForm
    from outcomes.forms import ReviewForm

    for form in (
        DecisionForm({"outcome": "reject", "feedback": MEGABYTE}),
        ReasonForm({"reason": MEGABYTE}),
        ReviewForm({"decision": "approve", "comments": MEGABYTE}),
    ):
        assert not form.is_valid()
        assert any("20,000 characters or fewer" in message for messages in form.errors.values() for message in messages)


def test_script_tags_are_escaped_on_the_provider_and_staff_pages(client, provider, commissioner, draft):
    client.force_login(provider)
    client.post(project_url(draft), {"project_title": SCRIPT[:200], "summary": SCRIPT, "action": "later"})
    draft.refresh_from_db()
    assert draft.summary == SCRIPT  # stored as typed
    Application.objects.filter(pk=draft.pk).update(status="submitted")
    pages = [
        (provider, reverse("portal:application", args=[draft.pk])),
        (commissioner, reverse("assessment_admin:application", args=[draft.pk])),
    ]
    for person, url in pages:
        client.force_login(person)
        body = client.get(url).content.decode()
        assert "<script>alert(" not in body and "<b onmouseover" not in body
        assert "&lt;script&gt;alert(" in body


@pytest.mark.parametrize("name", NAMES)
def test_unicode_names_round_trip_through_the_form_and_the_export(client, provider, commissioner, organisation, name):
    client.force_login(provider)
    url = reverse("portal:organisation_edit", args=[organisation.pk])
    form = client.get(url).context["form"]
    data = {key: value for key, value in form.initial.items() if value not in (None, "")}
    data.update({key: "on" if value is True else value for key, value in data.items() if isinstance(value, bool)})
    data = {key: value for key, value in data.items() if value is not False}
    data["name"] = name
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    organisation.refresh_from_db()
    assert organisation.name == name
    assert name in client.get(reverse("portal:organisation_detail", args=[organisation.pk])).content.decode()
    client.force_login(commissioner)
    export = client.get(reverse("reporting:export", args=["organisations", "csv"]))
    names = [row[0] for row in csv.reader(io.StringIO(export.content.decode("utf-8-sig")))]
    assert name in names


def test_a_post_without_a_csrf_token_is_refused(provider, draft):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(provider)
    response = strict.post(project_url(draft), {"summary": "Changed.", "action": "later"})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.summary == "Kept summary."


def test_a_tampered_organisation_id_is_refused(client, provider, other_organisation):
    """The apply button's hidden organisation field changed to another organisation's id."""
    call = factories.CallFactory()
    client.force_login(provider)
    response = client.post(reverse("portal:application_start", args=[call.pk]), {"organisation": other_organisation.pk})
    assert response.status_code in (403, 404)
    assert not Application.objects.filter(call=call).exists()
    assert Organisation.objects.get(pk=other_organisation.pk).applications.count() == 0
