"""Payment buttons: refused before anything else for people without the power; no open redirect."""

import pytest

from outcomes.models import PaymentStatus
from tests.outcomes.conftest import approved_application, award_for


@pytest.fixture
def payment(organisation, commissioner):
    award = award_for(approved_application(organisation=organisation), commissioner)
    return award.payments.order_by("sequence").first()


@pytest.mark.parametrize("action", ["approve", "record"])
def test_an_assessor_or_executive_posting_a_payment_button_is_refused(otp_client, assessor, executive, payment, action):
    for person in (assessor, executive):
        client = otp_client(person)
        response = client.post(
            f"/admin/outcomes/payments/{payment.pk}/{action}/", {"paid_on": "2025-05-01", "reference": "X1"}
        )
        # Wagtail answers PermissionDenied with its dashboard and a "no permission" message.
        assert response.status_code == 302 and response["Location"] == "/admin/"
    payment.refresh_from_db()
    assert payment.paid_on is None


def test_approving_never_redirects_off_site(otp_client, commissioner, payment):
    client = otp_client(commissioner)
    response = client.post(f"/admin/outcomes/payments/{payment.pk}/approve/", {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/outcomes/payments/"
    payment.refresh_from_db()
    assert payment.status in {PaymentStatus.APPROVED, PaymentStatus.SCHEDULED, PaymentStatus.HELD}
