"""Journey: two assessors declare no conflict and score, a third declares a conflict and is blocked from
scoring; the commissioner moderates, approves a reduced amount and releases decisions; the provider
reads the decision and feedback in the portal."""

import pytest
from playwright.sync_api import expect

from commissioning.models import ApplicationStatus, DecisionOutcome
from tests.e2e.conftest import assert_accessible
from tests.e2e.journeys import sign_in_to_admin, sign_in_to_portal
from tests.e2e.setup import staff, submitted_application

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def score_application(page, application, assessor, scores):
    sign_in_to_admin(page, assessor)
    page.goto("/admin/assessment/")
    page.get_by_role("link", name="Declare interests").click()
    page.get_by_label("No conflict").check()
    page.get_by_role("button", name="Confirm declaration").click()
    page.wait_for_url(f"**/admin/assessment/application/{application.pk}/score/")
    for criterion, score in zip(application.call.criteria.all(), scores):
        page.locator(f"input[name=score_{criterion.pk}][value='{score}']").check()
        page.locator(f"#id_text_{criterion.pk}").fill(f"{criterion.name}: evidence is clear and local.")
    page.get_by_role("button", name="Submit scores").click()
    # Submitting locks the scores: a check-and-confirm page first (plain form, no JavaScript needed).
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    page.get_by_role("button", name="Submit scores").click()
    page.wait_for_url(f"**/admin/assessment/application/{application.pk}/")
    expect(page.get_by_role("status").get_by_text("Scores submitted.")).to_be_visible()


def test_assessors_score_commissioner_decides_and_provider_reads_feedback(page, two_factor):
    application, provider = submitted_application(amount="20000.00")
    commissioner = staff("commissioner", "Chris", "Commissioner")
    assessors = [staff("assessor", "Asha", f"Assessor{n}") for n in (1, 2, 3)]

    # The commissioner records eligibility and assigns three assessors
    sign_in_to_admin(page, commissioner, check_accessibility=True)
    page.goto("/admin/assessment/")
    page.locator("main").get_by_role("link", name="Applications", exact=True).click()
    page.get_by_role("link", name=application.reference, exact=True).click()
    page.get_by_role("link", name="Record eligibility checks").click()
    page.wait_for_url("**/eligibility/")
    for select in page.locator("select[name$=_result]").all():
        select.select_option("pass")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("status").get_by_text("Eligibility checks saved.")).to_be_visible()
    page.get_by_role("link", name="Assign assessor").click()
    for assessor in assessors:
        page.get_by_label(assessor.email, exact=False).check()
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("status").get_by_text("Assessors assigned.")).to_be_visible()

    # The third assessor declares a conflict and cannot reach the scoring form
    conflicted = assessors[2]
    sign_in_to_admin(page, conflicted)
    page.goto(f"/admin/assessment/application/{application.pk}/declare/")
    page.get_by_label("I have a conflict of interest").check()
    page.get_by_label("Describe the conflict").fill("My sister is a trustee of this organisation.")
    page.get_by_role("button", name="Confirm declaration").click()
    expect(page.get_by_role("status").get_by_text("Conflict recorded.")).to_be_visible()
    response = page.goto(f"/admin/assessment/application/{application.pk}/score/")
    assert response.status == 404
    page.goto("/admin/assessment/")
    expect(page.get_by_role("link", name=application.reference)).to_have_count(0)

    # Two assessors declare no conflict and score
    score_application(page, application, assessors[0], scores=[4, 3])
    score_application(page, application, assessors[1], scores=[3, 4])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SCORED

    # The commissioner moderates, approves a reduced amount and releases the decision
    sign_in_to_admin(page, commissioner)
    page.goto(f"/admin/assessment/call/{application.call_id}/moderation/")
    page.get_by_role("link", name="Record moderated scores").click()
    for criterion in application.call.criteria.all():
        page.locator(f"input[name=score_{criterion.pk}][value='4']").check()
        page.locator(f"#id_text_{criterion.pk}").fill("The panel agreed the stronger of the two views.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/admin/assessment/call/{application.call_id}/moderation/")
    saved = f"Moderated scores saved for {application.reference}."
    expect(page.get_by_role("status").get_by_text(saved)).to_be_visible()
    page.get_by_role("link", name="Record a decision").click()
    page.locator(f"input[name=outcome][value={DecisionOutcome.APPROVE}]").check()
    page.get_by_label("Approved amount (£)").fill("15000")
    page.get_by_label("Reason for approving a reduced amount").fill("The evaluation costs are funded elsewhere.")
    page.get_by_label("Feedback for the provider").fill("A strong, well-evidenced plan for drop-in advocacy.")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("status").get_by_text("Decision recorded.")).to_be_visible()
    page.goto(f"/admin/assessment/call/{application.call_id}/moderation/")
    page.get_by_role("button", name="Release decisions").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(page.locator("main")).to_contain_text(application.reference)
    page.get_by_role("button", name="Release decisions").click()
    expect(page.get_by_role("status").get_by_text("1 decisions released")).to_be_visible()

    # The provider reads the decision and the feedback
    page.context.clear_cookies()
    sign_in_to_portal(page, provider.email)
    page.get_by_role("link", name=application.project_title).click()
    main = page.locator("main")
    expect(main).to_contain_text("Approve")
    expect(main).to_contain_text("£15,000.00")
    expect(main).to_contain_text("The evaluation costs are funded elsewhere.")
    expect(main).to_contain_text("A strong, well-evidenced plan for drop-in advocacy.")
    assert_accessible(page)
