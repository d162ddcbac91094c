import datetime

import pytest

from commissioning.models import Call, Theme
from tests.conftest import otp_login


def call_form_data(**overrides):
    themes = list(Theme.objects.filter(slug__in=["prevention", "support"]).values_list("pk", flat=True))
    data = {
        "reference": "BCSP-2027-05",
        "title": "A new call",
        "summary": "Funding for prevention work.",
        "themes": [str(pk) for pk in themes],
        "total_budget": "100000.00",
        "min_grant": "5000.00",
        "max_grant": "40000.00",
        "max_project_months": "12",
        "opens_at": "2027-04-01 09:00",
        "closes_at": "2027-05-01 12:00",
        "closed_early_at": "",
        "closed_early_reason": "",
        "eligibility": "Voluntary organisations in Bexley.",
        "min_criterion_score": "2",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "1",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-name": "Need",
        "criteria-0-guidance": "",
        "criteria-0-weight": "70",
        "criteria-0-ORDER": "1",
        "criteria-0-DELETE": "",
        "criteria-1-name": "Value for money",
        "criteria-1-guidance": "",
        "criteria-1-weight": "30",
        "criteria-1-ORDER": "2",
        "criteria-1-DELETE": "",
        "questions-TOTAL_FORMS": "1",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        "questions-0-text": "Why now?",
        "questions-0-help_text": "",
        "questions-0-word_limit": "200",
        "questions-0-required": "on",
        "questions-0-ORDER": "1",
        "questions-0-DELETE": "",
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def _staff_two_factor_enforced(settings):
    # These admin tests sign in with a verified second factor, as production requires.
    settings.STAFF_2FA_REQUIRED = True


@pytest.fixture
def admin_client(client, commissioner):
    # A verified second factor, as staff have in real use (see tests/trust/test_two_factor.py).
    return otp_login(client, commissioner)


@pytest.mark.django_db
def test_commissioner_creates_a_call_in_the_admin(admin_client):
    response = admin_client.post("/admin/calls/new/", call_form_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    call = Call.objects.get(reference="BCSP-2027-05")
    assert [c.weight for c in call.criteria.all()] == [70, 30]
    assert call.questions.get().word_limit == 200
    # 09:00 on 1 April 2027 is British Summer Time: 08:00 UTC.
    assert call.opens_at == datetime.datetime(2027, 4, 1, 8, 0, tzinfo=datetime.UTC)
    assert set(call.themes.values_list("slug", flat=True)) == {"prevention", "support"}


@pytest.mark.django_db
def test_call_list_has_filters_and_search(admin_client, open_call):
    response = admin_client.get("/admin/calls/", {"q": open_call.reference})
    assert response.status_code == 200
    assert open_call.title in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"criteria-1-weight": "20"}, "The criteria weights must add up to 100. They add up to 90."),
        ({"closes_at": "2027-03-01 12:00"}, "The closing date must be after the opening date."),
        ({"min_grant": "50000.00"}, "The minimum grant cannot be more than the maximum grant."),
        ({"total_budget": "30000.00"}, "The total budget cannot be less than the maximum grant."),
        ({"themes": []}, "This field is required."),
    ],
)
def test_invalid_calls_get_a_specific_error_and_nothing_is_saved(admin_client, overrides, message):
    response = admin_client.post("/admin/calls/new/", call_form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Call.objects.filter(reference="BCSP-2027-05").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role_fixture", ["provider", "executive", "assessor"])
def test_only_commissioners_and_administrators_manage_calls(client, request, role_fixture):
    otp_login(client, request.getfixturevalue(role_fixture))
    response = client.post("/admin/calls/new/", call_form_data())
    assert response.status_code in (302, 403)
    assert not Call.objects.filter(reference="BCSP-2027-05").exists()
