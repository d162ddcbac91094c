"""Call pages: the Apply button only while a call is open; closed and upcoming calls say so."""

import datetime as dt

import pytest
from django.utils import timezone

from commissioning.fiscal import london_datetime

pytestmark = pytest.mark.django_db

APPLY = "govuk-button--start"


def test_open_call_shows_the_apply_button_linking_to_the_portal(client, make_call_page):
    page = make_call_page()
    html = client.get(page.url).content.decode()
    assert APPLY in html
    assert f'href="/portal/calls/{page.call.pk}/"' in html
    assert "This call closed" not in html


def test_closed_call_has_no_apply_button_and_says_when_it_closed(client, make_call_page):
    page = make_call_page(
        opens_at=london_datetime(dt.date(2026, 1, 5), 9), closes_at=london_datetime(dt.date(2026, 3, 31), 17)
    )
    html = client.get(page.url).content.decode()
    assert APPLY not in html and f"/portal/calls/{page.call.pk}/" not in html
    assert "This call closed on 31 March 2026" in html


def test_call_closed_early_says_so_with_the_reason(client, make_call_page):
    page = make_call_page()
    call = page.call
    call.closed_early_at = timezone.now()
    call.closed_early_reason = "The budget has been fully committed"
    call.save()
    html = client.get(page.url).content.decode()
    assert APPLY not in html
    assert "This call closed on" in html and "The budget has been fully committed" in html


def test_upcoming_call_says_when_it_opens(client, make_call_page):
    opens = london_datetime(timezone.localdate() + dt.timedelta(days=30), 9, 30)
    page = make_call_page(opens_at=opens, closes_at=opens + dt.timedelta(days=30))
    html = client.get(page.url).content.decode()
    assert APPLY not in html
    assert f"It opens at 9:30am on {opens.day} {opens.strftime('%B %Y')}" in html


def test_key_dates_are_in_london_time(client, make_call_page):
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (BST).
    closes = dt.datetime(2030, 7, 1, 23, 30, tzinfo=dt.UTC)
    page = make_call_page(opens_at=timezone.now() - dt.timedelta(days=1), closes_at=closes)
    assert "12:30am on 2 July 2030" in client.get(page.url).content.decode()


def test_call_index_lists_calls_by_status_with_links_to_their_pages(client, website):
    html = client.get("/calls/").content.decode()
    open_part, rest = html.split("Opening soon")
    upcoming_part, closed_part = rest.split(">Closed</h2>")
    assert 'href="/calls/bcsp-2026-02/"' in open_part
    assert 'href="/calls/bcsp-2027-01/"' in upcoming_part
    assert 'href="/calls/bcsp-2025-01/"' in closed_part and 'href="/calls/bcsp-2026-01/"' in closed_part
    assert "£300,000 in total; grants of £5,000 to £75,000" in closed_part


def test_unpublished_call_page_is_not_linked(client, website):
    from cms.models import CallPage

    CallPage.objects.get(call__reference="BCSP-2026-02").unpublish()
    html = client.get("/calls/").content.decode()
    assert "Safer public spaces and night-time economy" in html
    assert 'href="/calls/bcsp-2026-02/"' not in html
    assert client.get("/calls/bcsp-2026-02/").status_code == 404
