"""Journey: a provider signs up, confirms their email, registers an organisation and applies to an open
call through every section of the task list, partly by keyboard only, to the receipt."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from commissioning.models import Application, ApplicationStatus
from tests import factories
from tests.e2e.conftest import assert_accessible
from tests.e2e.journeys import assert_focus_visible, last_email_link, pdf_file, tab_to

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EMAIL = "amina.okafor@example.test"


def save_and_continue(page):
    page.get_by_role("button", name="Save and continue").click()


def test_provider_signs_up_and_submits_an_application(page):
    call = factories.CallFactory(
        title="Safer Streets Fund", questions=[("Why are you the right organisation?", 50, True)]
    )
    call.save()  # the call's themes are a ParentalManyToManyField, written on save

    # Sign up
    page.goto("/portal/sign-up/")
    assert_accessible(page)
    # Sign up, by keyboard only
    tab_to(page, "#id_first_name")
    page.keyboard.type("Amina")
    page.keyboard.press("Tab")
    page.keyboard.type("Okafor")
    page.keyboard.press("Tab")
    page.keyboard.type(EMAIL)
    page.keyboard.press("Tab")
    page.keyboard.type("violet-harbour-lantern-42")
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/portal/")
    assert "Confirm your email address" in page.content()

    # Confirm the email address from the link in the email
    page.goto(last_email_link(EMAIL, r"/portal/confirm-email/[^\s/]+/"))
    page.wait_for_url("**/portal/")
    expect(page.get_by_text("Your email address is confirmed.")).to_be_visible()
    assert_accessible(page)

    # Register an organisation
    page.get_by_role("link", name="Register your organisation").click()
    assert_accessible(page)
    page.get_by_label("Organisation name").fill("Bexley Women's Aid Collective")
    page.get_by_label("Community group").check()
    page.get_by_label("Address line 1").fill("12 Broadway")
    page.get_by_label("Town").fill("Bexleyheath")
    page.get_by_label("Postcode").fill("da6 7lb")
    page.get_by_label("We are a specialist violence against women and girls provider").check()
    page.get_by_label("£10,000 to £100,000").check()
    page.get_by_label("Safeguarding lead's name").fill("Grace Mensah")
    page.get_by_label("Safeguarding lead's email address").fill("grace@example.test")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/portal/")
    expect(page.get_by_text("Bexley Women's Aid Collective is registered.")).to_be_visible()

    # Start an application on the open call
    page.get_by_role("link", name="Safer Streets Fund").click()
    assert_accessible(page)
    page.get_by_role("button", name="Start an application").click()
    page.wait_for_url("**/portal/applications/*/")
    application = Application.objects.get(organisation__name="Bexley Women's Aid Collective")
    task_list = re.compile(rf"/portal/applications/{application.pk}/(#.*)?$")
    assert_accessible(page)

    # Your project, by keyboard only: a first save with a missing answer shows the error summary
    page.get_by_role("link", name="Your project").click()
    page.wait_for_url("**/section/project/")
    tab_to(page, "#id_project_title")
    page.keyboard.type("Safe Spaces Bexley")
    page.keyboard.press("Tab")
    page.keyboard.type("Drop-in support for women in Bexleyheath and Erith.")
    page.keyboard.press("Tab")
    page.keyboard.type("Police data show rising reports of domestic abuse in the borough.")
    tab_to(page, "button[value=continue]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary", has_text="Describe how you will deliver the project")
    expect(summary).to_be_visible()
    assert "Describe how you will deliver the project" in summary.inner_text()
    assert page.title().startswith("Error: ")
    # Nothing typed is lost
    assert page.locator("#id_project_title").input_value() == "Safe Spaces Bexley"
    assert page.locator("#id_need_and_evidence").input_value().startswith("Police data show")
    assert_accessible(page)
    # The error summary's link takes the keyboard user to the field
    page.locator(".govuk-error-summary a", has_text="Describe how you will deliver the project").focus()
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    if focused_id(page) != "id_delivery_plan":  # GOV.UK's script focuses the field; without it, Tab there
        tab_to(page, "#id_delivery_plan")
    page.keyboard.type("Weekly drop-in sessions run by two trained advocates.")
    page.keyboard.press("Tab")
    page.keyboard.type("Women and girls affected by domestic abuse.")
    page.keyboard.press("Tab")
    page.keyboard.type("120")
    tab_to(page, "input[name=partners]")
    page.keyboard.press("Space")
    tab_to(page, "#id_safeguarding_approach")
    page.keyboard.type("Every advocate has enhanced DBS checks and monthly supervision.")
    tab_to(page, "button[value=continue]")
    page.keyboard.press("Enter")
    page.wait_for_url(task_list)
    expect(page.get_by_text("Your project: section complete.")).to_be_visible()

    # Your organisation
    page.get_by_role("link", name="Your organisation").click()
    assert_accessible(page)
    save_and_continue(page)
    page.wait_for_url(task_list)

    # Themes and outcomes: one outcome with a target for each year, then the themes
    page.get_by_role("link", name="Themes and outcomes").click()
    assert_accessible(page)
    page.get_by_role("link", name="Add an outcome").click()
    assert_accessible(page)
    page.get_by_label("Indicator from the library").select_option(index=1)
    for target in page.locator("input[name^=target_]").all():
        target.fill("25")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/section/themes/")
    page.locator("input[name=themes]").first.check()
    page.get_by_label("How does the project address these themes?").fill("Advocacy reduces repeat victimisation.")
    save_and_continue(page)
    page.wait_for_url(task_list)
    expect(page.get_by_text("Themes and outcomes: section complete.")).to_be_visible()

    # Budget
    page.get_by_role("link", name="Budget").click()
    page.get_by_label("Category").select_option(index=1)
    page.get_by_label("Description").fill("Two part-time advocates")
    page.get_by_label("Financial year").select_option(index=1)
    page.get_by_label("Amount").fill("£18,500")
    page.get_by_role("button", name="Add budget line").click()
    page.wait_for_url("**/section/budget/")
    assert "£18,500.00" in page.locator("table").inner_text()
    assert_accessible(page)
    save_and_continue(page)
    page.wait_for_url(task_list)

    # Questions
    page.get_by_role("link", name="Questions").click()
    page.get_by_label("Why are you the right organisation?").fill("We have run drop-ins in Bexley since 2015.")
    assert_accessible(page)
    save_and_continue(page)
    page.wait_for_url(task_list)

    # Attachments: two real (small) PDFs
    page.get_by_role("link", name="Attachments").click()
    assert_accessible(page)
    for kind, name in (("Safeguarding policy", "safeguarding-policy.pdf"), ("accounts", "accounts-2025.pdf")):
        page.get_by_label(kind, exact=False).first.check()
        page.get_by_label("Upload a file").set_input_files(pdf_file(name))
        page.get_by_role("button", name="Upload file").click()
        page.wait_for_url("**/section/attachments/")
        expect(page.get_by_text(f"{name} has been uploaded.")).to_be_visible()
    save_and_continue(page)
    page.wait_for_url(task_list)

    # Declarations
    page.get_by_role("link", name="Declarations").click()
    assert_accessible(page)
    # ... by keyboard only: Space ticks each box, Enter saves
    for name in ("declares_information_true", "declares_policies_in_place", "declares_data_protection"):
        tab_to(page, f"#id_{name}")
        page.keyboard.press("Space")
    tab_to(page, "button[value=continue]")
    page.keyboard.press("Enter")
    page.wait_for_url(task_list)
    expect(page.get_by_text("You have completed 7 of 7 sections.")).to_be_visible()
    assert_accessible(page)

    # Check, submit and see the receipt
    page.get_by_role("link", name="Check and submit").click()
    assert "£18,500.00" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Submit application").click()
    page.wait_for_url("**/submitted/")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.reference.startswith(call.reference)
    assert page.locator(".govuk-panel__body").inner_text().endswith(application.reference)
    assert_accessible(page)
    assert any(EMAIL in m.to and application.reference in m.body for m in mail.outbox)

    # The read-only application
    page.get_by_role("link", name="View your application").click()
    expect(page.get_by_role("heading", name="Safe Spaces Bexley")).to_be_visible()
    assert_accessible(page)


def focused_id(page):
    return page.evaluate("document.activeElement && document.activeElement.id")
