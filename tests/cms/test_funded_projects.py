"""The funded projects page: filters by theme and financial year, pagination, bounded queries."""

import datetime as dt
from decimal import Decimal

import pytest

from cms.models import FundedProjectsPage
from outcomes.models import AwardStatus

from .conftest import AwardFactory

pytestmark = pytest.mark.django_db

URL = "/funded-projects/"


@pytest.fixture
def awards(website):
    return {
        "refuge": AwardFactory(
            title="Refuge outreach",
            amount=Decimal("45000.00"),
            start_date=dt.date(2025, 4, 1),
            end_date=dt.date(2026, 3, 31),
            support_bp=7500,
            trust_bp=2500,
        ),
        "schools": AwardFactory(
            title="Healthy relationships in schools",
            amount=Decimal("20000.00"),
            start_date=dt.date(2026, 9, 1),
            end_date=dt.date(2027, 8, 31),
            support_bp=0,
            prevention_bp=10000,
            status=AwardStatus.CLOSED,
        ),
        "offer": AwardFactory(title="Not yet accepted", start_date=dt.date(2026, 9, 1), status=AwardStatus.OFFERED),
    }


def test_lists_funded_awards_with_provider_amount_dates_and_themes(client, awards):
    html = client.get(URL).content.decode()
    assert "2 projects, £65,000 in total" in html
    assert "Refuge outreach" in html and awards["refuge"].organisation.name in html
    assert "£45,000" in html and "1 April 2025 to 31 March 2026" in html
    assert "Supporting all victims and survivors (75%)" in html and "Building trust and confidence (25%)" in html
    assert "Not yet accepted" not in html


def test_filter_by_theme(client, awards):
    html = client.get(URL, {"theme": "prevention"}).content.decode()
    assert "Healthy relationships in schools" in html and "Refuge outreach" not in html
    assert '<option value="prevention" selected>' in html
    assert "1 project, £20,000 in total" in html


def test_filter_by_financial_year_includes_projects_running_in_it(client, awards):
    html = client.get(URL, {"year": "2025"}).content.decode()
    assert "Refuge outreach" in html and "Healthy relationships in schools" not in html
    html = client.get(URL, {"year": "2027"}).content.decode()
    assert "Healthy relationships in schools" in html and "Refuge outreach" not in html
    assert '<option value="2027" selected>2027/28</option>' in html


def test_unknown_filter_values_are_ignored(client, awards):
    html = client.get(URL, {"theme": "<nope>", "year": "1999", "page": "x"}).content.decode()
    assert "2 projects" in html and "&lt;nope&gt;" not in html


def test_paginates_and_keeps_filters_in_page_links(client, website):
    AwardFactory.create_batch(FundedProjectsPage.per_page + 3, prevention_bp=10000, support_bp=0)
    html = client.get(URL, {"theme": "prevention"}).content.decode()
    assert 'class="govuk-pagination"' in html
    assert 'href="?theme=prevention&amp;page=2"' in html
    second = client.get(URL, {"theme": "prevention", "page": "2"}).content.decode()
    assert second.count('<tr class="govuk-table__row">') == 3 + 1  # header row plus three awards


def test_query_count_does_not_grow_with_awards(client, website, django_assert_max_num_queries):
    AwardFactory.create_batch(3)
    client.get(URL)
    with django_assert_max_num_queries(25) as small:
        client.get(URL)
    AwardFactory.create_batch(40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(URL, {"page": "2"})
