"""Journey: a commissioner creates a call in the Wagtail admin and publishes its public page; the call
appears on the public calls index with a link to the page, and both pages are axe-clean."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from cms.models import CallIndexPage, CallPage
from commissioning.models import Call
from tests.e2e.conftest import assert_accessible
from tests.e2e.journeys import sign_in_to_admin
from tests.e2e.setup import staff

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "Healthy relationships in schools"


def admin_datetime(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def test_commissioner_creates_a_call_and_publishes_its_page(page, two_factor):
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=open("/dev/null", "w"))
    commissioner = staff("commissioner", "Chris", "Commissioner")
    index = CallIndexPage.objects.live().get()

    # The call, in the admin
    sign_in_to_admin(page, commissioner)
    page.goto("/admin/calls/new/")
    page.locator("#id_reference").fill("BCSP-2026-09")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_summary").fill("Grants for schools-based work on consent and healthy relationships.")
    page.locator("#id_themes").select_option(label="Preventing and reducing VAWG")
    page.locator("#id_total_budget").fill("60000")
    page.locator("#id_min_grant").fill("2000")
    page.locator("#id_max_grant").fill("20000")
    page.locator("#id_max_project_months").fill("12")
    now = timezone.now()
    page.locator("#id_opens_at").fill(admin_datetime(now - dt.timedelta(days=1)))
    page.locator("#id_closes_at").fill(admin_datetime(now + dt.timedelta(days=40)))
    page.locator("#id_eligibility").fill("Voluntary organisations working with Bexley schools.")
    page.locator("#id_criteria-0-name").fill("Need and evidence")
    page.locator("#id_criteria-0-weight").fill("100")
    # Enter submits the form, as a keyboard user would (the date picker left open covers the buttons).
    page.locator("#id_title").press("Enter")
    page.wait_for_url(re.compile(r"/admin/calls/(\?.*)?$"))
    call = Call.objects.get(reference="BCSP-2026-09")
    assert call.is_open and list(call.themes.values_list("slug", flat=True)) == ["prevention"]

    # Listed on the public calls index straight away, but with no page to link to yet
    page.goto(index.url)
    expect(page.locator("main")).to_contain_text(TITLE)
    expect(page.get_by_role("link", name=TITLE)).to_have_count(0)

    # Its page, added under the calls index and published
    page.goto(f"/admin/pages/add/cms/callpage/{index.pk}/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_call").select_option(label=str(call))
    page.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name="Paragraph").click()
    editor = page.locator("[data-contentpath=body] [contenteditable=true]").first
    editor.click()
    editor.press_sequentially("Schools tell us pupils want to talk about consent. This call funds that work.", delay=5)
    expect(editor).to_contain_text("This call funds that work.")
    # Draftail copies what was typed into the block's hidden input a moment later: publish after that.
    expect(page.locator("input[name='body-0-value']")).to_have_value(re.compile("This call funds that work"))
    page.locator("footer").get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(rf"/admin/pages/{index.pk}/"))
    call_page = CallPage.objects.get(call=call)
    assert call_page.live

    # The public calls index links to the published page; both are accessible
    page.goto(index.url)
    assert_accessible(page)
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_url(f"**{call_page.url}")
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(main).to_contain_text("Schools tell us pupils want to talk about consent.")
    expect(main).to_contain_text("£60,000")
    assert_accessible(page)
