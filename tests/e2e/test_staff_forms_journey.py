"""Journey (issue 14): a commissioner makes an award leaving the pre-filled dates exactly as the form shows
them, checks and confirms, then varies only the amount without retyping anything else; the variation history
reads as a before/after table."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outcomes.models import Award
from outcomes.services.awards import add_months
from tests.e2e.conftest import assert_accessible
from tests.e2e.journeys import sign_in_to_admin
from tests.e2e.setup import approved_application, staff

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_make_award_with_prefilled_dates_then_vary_only_the_amount(page, two_factor):
    application, _provider = approved_application(amount="15000.00")
    commissioner = staff("commissioner", "Chris", "Commissioner")
    start = timezone.localdate().replace(day=1)
    end = add_months(start, application.call.max_project_months) - dt.timedelta(days=1)

    requests = []
    page.on("request", lambda request: requests.append(request.url))
    sign_in_to_admin(page, commissioner)
    # The staff area's own images (logo, avatar) all load: none broken, none from another site.
    page.goto("/admin/")
    page.wait_for_load_state("networkidle")
    broken = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")
    assert broken == [], broken
    page.goto("/admin/outcomes/awards/")
    page.get_by_role("link", name="Make award").click()
    page.wait_for_url(f"**/awards/new/{application.pk}/")
    # The browser shows the pre-filled dates (an ISO value; "01/11/2026" would show a blank field).
    expect(page.get_by_label("Start date")).to_have_value(start.isoformat())
    expect(page.get_by_label("End date")).to_have_value(end.isoformat())
    expect(page.get_by_label("Amount (£)")).to_have_value("15000.00")
    assert_accessible(page)
    # Type nothing into the dates: continue, check, confirm.
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    summary = page.locator("main table")
    expect(summary).to_contain_text(f"{start.day} {start:%B %Y}")
    expect(summary).to_contain_text(f"{end.day} {end:%B %Y}")
    expect(summary).to_contain_text("£15,000.00")
    assert not Award.objects.exists()  # nothing is offered until confirmed
    page.get_by_role("button", name="Offer the award").click()
    page.wait_for_url(re.compile(r"/admin/outcomes/awards/\d+/$"))
    award = Award.objects.get(application=application)
    assert (award.start_date, award.end_date, award.amount) == (start, end, 15000)

    # Vary only the amount: every other field keeps the value it shows.
    page.get_by_role("link", name="Vary").click()
    expect(page.get_by_label("End date")).to_have_value(end.isoformat())
    page.get_by_label("Reason").fill("Referrals are higher than planned.")
    page.get_by_label("Amount (£)").fill("16000.00")
    page.get_by_role("button", name="Record the variation").click()
    page.wait_for_url(f"**/admin/outcomes/awards/{award.pk}/")
    expect(page.get_by_role("status").get_by_text("Variation recorded")).to_be_visible()
    award.refresh_from_db()
    assert (award.amount, award.end_date, award.start_date) == (16000, end, start)
    history = page.locator("main table").last
    expect(history).to_contain_text("Amount")
    expect(history).to_contain_text("£15,000.00")
    expect(history).to_contain_text("£16,000.00")
    expect(page.locator("main")).not_to_contain_text("{'amount'")
    page.reload()  # without the flash message, whose fade-in axe can catch half-way
    assert_accessible(page)
    site = page.url.split("/admin/")[0]
    elsewhere = [url for url in requests if not url.startswith((site, "data:", "blob:"))]
    assert elsewhere == [], f"Requests left the site: {elsewhere}"
