"""Journey: the commissioner makes the award with a theme allocation; the provider accepts the agreement,
submits the first quarterly return by web form and the second by uploading the Excel template (after a
first upload is refused with cell-level errors); the commissioner approves both and the payment is released
and recorded as paid."""

import io
import re

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outcomes.models import Award, AwardStatus, Payment, PaymentStatus, ReturnStatus
from outcomes.xlsx_returns import FIRST_ROW, NARRATIVE_ROWS
from tests.e2e.conftest import assert_accessible
from tests.e2e.journeys import sign_in_to_admin, sign_in_to_portal
from tests.e2e.setup import approved_application, award_period, staff

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def status_message(page, text):
    expect(page.get_by_role("status").get_by_text(text)).to_be_visible()


def xlsx_upload(workbook, name):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return {"name": name, "mimeType": XLSX, "buffer": buffer.getvalue()}


def test_award_agreement_returns_and_payment(page, two_factor):
    application, provider = approved_application(amount="15000.00")
    commissioner = staff("commissioner", "Chris", "Commissioner")
    start, end = award_period()

    # The commissioner makes the award: 60% support, 40% trust and confidence
    sign_in_to_admin(page, commissioner)
    page.goto("/admin/outcomes/awards/")
    page.get_by_role("link", name="Make award").click()
    page.wait_for_url(f"**/awards/new/{application.pk}/")
    page.locator("#id_start_date").fill(start.isoformat())
    page.locator("#id_end_date").fill(end.isoformat())
    for slug, percent in (("prevention", "0"), ("support", "60"), ("perpetrators", "0"), ("trust", "40")):
        page.locator(f"#id_allocation_{slug}").fill(percent)
    page.get_by_label("Conditions").fill("Attend the quarterly review meetings.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    page.get_by_role("button", name="Offer the award").click()
    page.wait_for_url(re.compile(r"/admin/outcomes/awards/\d+/$"))
    award = Award.objects.get(application=application)
    status_message(page, f"Award {award.reference} offered")
    assert (award.amount, award.support_bp, award.trust_bp, award.prevention_bp) == (15000, 6000, 4000, 0)
    assert award.returns.count() == 2

    # The provider reads and accepts the agreement
    page.context.clear_cookies()
    sign_in_to_portal(page, provider.email)
    page.goto(f"/portal/awards/{award.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="View or print the grant agreement").click()
    expect(page.locator("main")).to_contain_text("£15,000.00")
    assert_accessible(page)
    page.go_back()
    page.get_by_label("Type your full name to accept").fill("Amina Okafor")
    page.get_by_role("button", name="Accept the grant agreement").click()
    page.wait_for_url(f"**/portal/awards/{award.pk}/")
    award.refresh_from_db()
    assert award.status == AwardStatus.ACTIVE and award.accepted_by == provider

    # First quarter: the web form
    first, second = award.returns.order_by("financial_year", "quarter")
    page.get_by_role("link", name=first.period_label).click()
    page.wait_for_url(f"**/portal/returns/{first.pk}/")
    assert_accessible(page)
    for field in page.locator("input[name^=result_]").all():
        field.fill("12")
    for field in page.locator("input[name^=spend_]").all():
        field.fill("2,400.00")
    page.get_by_label("Progress this quarter").fill("Two drop-ins a week ran from the second month.")
    page.get_by_label("Challenges and risks").fill("Recruiting the second advocate took longer than planned.")
    page.get_by_label("Number of safeguarding incidents this quarter").fill("0")
    page.get_by_role("button", name="Submit the return").click()
    page.wait_for_url(f"**/portal/awards/{award.pk}/")
    expect(page.get_by_text(f"Your {first.period_label} return has been submitted for review.")).to_be_visible()

    # Second quarter: the Excel template, first with a word where a number belongs
    page.goto(f"/portal/returns/{second.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the Excel template").click()
    workbook = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    outcomes, spend, narrative = workbook["Outcomes"], workbook["Spend"], workbook["Narrative"]
    indicator_rows = [row for row in range(FIRST_ROW, outcomes.max_row + 1) if outcomes[f"A{row}"].value]
    assert len(indicator_rows) == 2
    outcomes[f"C{indicator_rows[0]}"] = "about twenty"
    outcomes[f"C{indicator_rows[1]}"] = 75
    for row in range(FIRST_ROW, spend.max_row + 1):
        if spend[f"A{row}"].value:
            spend[f"C{row}"] = 2600
    narrative[f"B{NARRATIVE_ROWS['progress_narrative']}"] = "Both advocates in post; referrals from the police rose."
    narrative[f"B{NARRATIVE_ROWS['challenges_and_risks']}"] = "None"
    narrative[f"B{NARRATIVE_ROWS['safeguarding_incidents']}"] = 1
    page.goto(f"/portal/returns/{second.pk}/upload/")
    assert_accessible(page)
    page.get_by_label("Upload your completed template").set_input_files(xlsx_upload(workbook, "q2-return.xlsx"))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", name="We could not read your file")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"Sheet 'Outcomes', cell C{indicator_rows[0]}: expected")
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    second.refresh_from_db()
    assert second.status == ReturnStatus.NOT_STARTED  # nothing from the bad file was saved

    outcomes[f"C{indicator_rows[0]}"] = 21
    page.get_by_label("Upload your completed template").set_input_files(xlsx_upload(workbook, "q2-return.xlsx"))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_url(f"**/portal/returns/{second.pk}/")
    expect(page.get_by_text("We read your spreadsheet and saved its figures in your draft.")).to_be_visible()
    expect(page.locator("input[name^=result_]").first).to_have_value("21")
    page.get_by_role("button", name="Submit the return").click()
    page.wait_for_url(f"**/portal/awards/{award.pk}/")
    expect(page.get_by_text(f"Your {second.period_label} return has been submitted for review.")).to_be_visible()

    # The commissioner approves both returns; each releases its payment, and the first is paid
    sign_in_to_admin(page, commissioner)
    for quarterly_return in (first, second):
        page.goto("/admin/outcomes/returns/")
        page.get_by_role("link", name=f"{award.reference} {quarterly_return.period_label}").click()
        page.locator("input[name=decision][value=approve]").check()
        page.locator("#id_comments").fill("Figures agree with the monitoring visit.")
        page.get_by_role("button", name="Save review").click()
        page.wait_for_url("**/admin/outcomes/returns/")
        status_message(page, "Return approved; its payment is approved for payment.")
    payment = Payment.objects.get(quarterly_return=first)
    assert payment.status == PaymentStatus.APPROVED
    page.goto("/admin/outcomes/payments/")
    # The date paid is pre-filled with today, and shows: it is left as it is.
    expect(page.locator(f"#id_paid_on_{payment.pk}")).to_have_value(timezone.localdate().isoformat())
    page.locator(f"#id_reference_{payment.pk}").fill("BACS-000123")
    page.locator(f"#id_reference_{payment.pk}").press("Enter")
    status_message(page, "recorded as paid")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.payment_reference == "BACS-000123"

    # The provider sees the approved returns and the payment
    page.context.clear_cookies()
    sign_in_to_portal(page, provider.email)
    page.goto(f"/portal/awards/{award.pk}/")
    expect(page.locator("main")).to_contain_text("Approved")
    assert_accessible(page)
