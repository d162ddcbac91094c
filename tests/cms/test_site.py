"""Search, sitemap, error pages and the template tags."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.utils import timezone
from django.views.defaults import server_error

from cms.models import StandardPage
from cms.templatetags.cms_tags import govuk_datetime, money, percentage


@pytest.mark.django_db
def test_search_finds_live_pages(client, website):
    response = client.get("/search/", {"query": "privacy"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a class="govuk-link" href="/privacy/">Privacy notice</a>' in html
    assert '<label class="govuk-label govuk-label--s" for="search-query">' in html


@pytest.mark.django_db
def test_search_leaves_out_unpublished_pages(client, website):
    StandardPage.objects.get(slug="privacy").unpublish()
    html = client.get("/search/", {"query": "privacy notice"}).content.decode()
    assert '<a class="govuk-link" href="/privacy/">' not in html


@pytest.mark.django_db
def test_search_escapes_the_query_and_handles_no_results(client, website):
    html = client.get("/search/", {"query": "<script>zzqx</script>"}).content.decode()
    assert "<script>zzqx" not in html and "&lt;script&gt;zzqx" in html
    assert "0 results" in html
    assert client.get("/search/").status_code == 200


@pytest.mark.django_db
def test_sitemap_lists_the_live_pages(client, website):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    for path in ["/calls/bcsp-2026-02/", "/funded-projects/", "/privacy/", "/news/strategy-launch/", "/support/"]:
        assert f"{path}</loc>" in xml, path


@pytest.mark.django_db
def test_custom_404_page(client, website):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "<title>Page not found" in html
    assert 'class="govuk-skip-link"' in html


def test_500_page_needs_no_database_or_context():
    # No django_db mark: pytest-django makes any database access here raise.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert 'id="main-content"' in html


def test_money_format():
    assert money(Decimal("120000.00")) == "£120,000"
    assert money(Decimal("2500.5")) == "£2,500.50"
    assert money(None) == ""


def test_datetimes_are_shown_in_london_time():
    assert govuk_datetime(dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)) == "midday on 15 January 2026"
    assert govuk_datetime(dt.datetime(2026, 6, 15, 16, 30, tzinfo=dt.UTC)) == "5:30pm on 15 June 2026"
    assert govuk_datetime(dt.datetime(2026, 6, 14, 23, 0, tzinfo=dt.UTC)) == "midnight on 15 June 2026"
    assert govuk_datetime(timezone.now()).endswith(str(timezone.localdate().year))


def test_percentage():
    assert percentage(Decimal("75.00")) == "75%"
    assert percentage(Decimal("33.33")) == "33.33%"
