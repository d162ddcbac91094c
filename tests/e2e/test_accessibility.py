"""axe-core (WCAG 2.2 A and AA) on every public page type and every portal page, over the demo programme,
with desktop and mobile screenshots of the main pages saved under docs/screenshots/."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from cms.models import (
    CallIndexPage,
    CallPage,
    FundedProjectsPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    StandardPage,
    ThemePage,
)
from commissioning.demo import demo_password
from commissioning.models import Application, ApplicationStatus, Call, User
from commissioning.services.applications import SECTION_TITLES
from outcomes.models import Award, QuarterlyReturn
from tests.e2e.conftest import DESKTOP, accessibility_problems, save_screenshots
from tests.e2e.journeys import sign_in_to_portal

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DEMO_PROVIDER = "provider@example.org"
NARROW = {"width": 320, "height": 800}


@pytest.fixture
def demo():
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=open("/dev/null", "w"))


def reflow_problems(page):
    """WCAG 1.4.10 Reflow: at 320 CSS pixels wide the page never scrolls sideways (wide tables scroll
    inside their own region instead)."""
    page.set_viewport_size(NARROW)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    page.set_viewport_size(DESKTOP)
    if widths[0] > widths[1]:
        return [f"{page.url}: the page is {widths[0]}px wide at {widths[1]}px, so it scrolls sideways"]
    return []


def check(page, problems):
    problems.extend(accessibility_problems(page))
    problems.extend(reflow_problems(page))


def visit(page, url, problems, *, screenshot=None, status=200):
    response = page.goto(url)
    assert response is not None and response.status == status, f"{url} answered {response and response.status}"
    check(page, problems)
    if screenshot:
        save_screenshots(page, screenshot)


def test_every_public_page_type_is_accessible(page, demo):
    problems = []
    call_page = CallPage.objects.live().filter(call__in=Call.objects.open()).first() or CallPage.objects.live().first()
    pages = [
        (HomePage.objects.live().first().url, "home"),
        (ThemePage.objects.live().first().url, "theme"),
        (CallIndexPage.objects.live().first().url, "calls"),
        (call_page.url, "call"),
        (FundedProjectsPage.objects.live().first().url, "funded-projects"),
        (StandardPage.objects.live().first().url, "standard-page"),
        (NewsIndexPage.objects.live().first().url, "news"),
        (NewsPage.objects.live().first().url, "news-article"),
        (reverse("cms:search") + "?q=support", "search"),
    ]
    for url, name in pages:
        visit(page, url, problems, screenshot=name)
    for standard in StandardPage.objects.live().exclude(pk=StandardPage.objects.live().first().pk):
        visit(page, standard.url, problems)
    for theme in ThemePage.objects.live()[1:]:
        visit(page, theme.url, problems)
    visit(page, reverse("cms:search"), problems)  # no query yet
    visit(page, "/no-such-page/", problems, screenshot="not-found", status=404)
    assert not problems, "\n".join(problems)


def test_every_portal_page_is_accessible(page, demo):
    problems = []
    # Signed out
    for url, name in (
        ("/portal/sign-in/", "portal-sign-in"),
        ("/portal/sign-up/", None),
        ("/portal/password-reset/", None),
    ):
        visit(page, url, problems, screenshot=name)
    page.get_by_label("Email address").fill("nobody@example.test")
    page.get_by_role("button", name="Send reset link").click()
    page.wait_for_url("**/password-reset/sent/")
    check(page, problems)

    # Signed in as the demo provider
    provider = User.objects.get(email=DEMO_PROVIDER)
    sign_in_to_portal(page, DEMO_PROVIDER, demo_password())
    check(page, problems)
    save_screenshots(page, "portal-dashboard")
    organisation = provider.memberships.get().organisation
    for url in (
        "/portal/security/",
        "/portal/security/set-up/",
        f"/portal/organisation/{organisation.pk}/",
        f"/portal/organisation/{organisation.pk}/change/",
        "/portal/organisation/join/",
        "/portal/organisation/join/?q=Bex",
    ):
        visit(page, url, problems)

    applications = Application.objects.filter(organisation=organisation).select_related("call")
    draft = applications.filter(status=ApplicationStatus.DRAFT).first()
    assert draft is not None, "the demo provider has a draft application"
    visit(page, f"/portal/calls/{draft.call_id}/", problems)
    visit(page, f"/portal/applications/{draft.pk}/", problems, screenshot="portal-task-list")
    for key in SECTION_TITLES:
        response = page.goto(f"/portal/applications/{draft.pk}/section/{key}/")
        assert response.status == 200
        check(page, problems)
        if key == "project":
            save_screenshots(page, "portal-application-section")
    # A section saved with a mistake shows the error summary and inline errors
    page.goto(f"/portal/applications/{draft.pk}/section/project/")
    page.get_by_label("How many people will benefit").fill("lots")
    page.get_by_role("button", name="Save and come back later").click()
    page.locator(".govuk-error-summary", has_text="whole number").wait_for()
    check(page, problems)
    visit(page, f"/portal/applications/{draft.pk}/outcomes/new/", problems)
    outcome = draft.proposed_outcomes.first()
    if outcome:
        visit(page, f"/portal/applications/{draft.pk}/outcomes/{outcome.pk}/", problems)
        visit(page, f"/portal/applications/{draft.pk}/outcomes/{outcome.pk}/remove/", problems)
    line = draft.budget_lines.first()
    if line:
        visit(page, f"/portal/applications/{draft.pk}/budget/{line.pk}/", problems)
    visit(page, f"/portal/applications/{draft.pk}/submit/", problems)

    submitted = applications.exclude(status__in=[ApplicationStatus.DRAFT]).exclude(submitted_at=None)
    assert submitted.exists(), "the demo provider has submitted applications"
    for application in submitted:
        visit(page, f"/portal/applications/{application.pk}/", problems)
    receipt = submitted.first()
    visit(page, f"/portal/applications/{receipt.pk}/submitted/", problems, screenshot="portal-receipt")
    undecided = submitted.filter(
        status__in=[
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.UNDER_ASSESSMENT,
            ApplicationStatus.SCORED,
            ApplicationStatus.MODERATED,
        ]
    ).first()
    if undecided:
        visit(page, f"/portal/applications/{undecided.pk}/withdraw/", problems)

    # Awards, agreements and quarterly returns
    awards = Award.objects.filter(application__organisation=organisation)
    visit(page, "/portal/awards/", problems)
    for award in awards:
        visit(page, f"/portal/awards/{award.pk}/", problems)
        visit(page, f"/portal/awards/{award.pk}/agreement/", problems)
    returns = QuarterlyReturn.objects.filter(award__in=awards)
    for quarterly_return in returns:
        visit(page, f"/portal/returns/{quarterly_return.pk}/", problems)
    if returns:
        visit(page, f"/portal/returns/{returns.first().pk}/upload/", problems)
    assert not problems, "\n".join(problems)
