import datetime as dt
import re
from decimal import Decimal

import pytest

from commissioning.models import AuditEntry, Indicator
from outcomes.reporting import selectors
from tests.conftest import is_refused

from .conftest import TODAY
from .factories import AwardFactory, build_portfolio, paid, quarterly_return, result, target

pytestmark = pytest.mark.django_db
URL = "/admin/reporting/"


@pytest.mark.parametrize("role", ["executive", "commissioner", "administrator"])
def test_reporting_roles_see_the_dashboard_and_the_menu_item(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(URL)
    assert response.status_code == 200
    assert b"Spend against themes" in response.content
    home = client.get("/admin/", follow=True)  # the executive lands on reporting itself
    assert b'"url": "/admin/reporting/"' in home.content


@pytest.mark.parametrize("url", [URL, URL + "theme/support/", URL + "board-pack.xlsx"])
def test_assessor_is_refused(client, assessor, url):
    client.force_login(assessor)
    assert is_refused(client.get(url))
    assert b'"url": "/admin/reporting/"' not in client.get("/admin/").content


def test_provider_cannot_reach_reporting(client, provider):
    client.force_login(provider)
    response = client.get(URL)
    # Providers have no admin access at all: Wagtail sends them to the admin login, never to the page.
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_anonymous_is_sent_to_the_admin_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_project_page_refused_for_assessor(client, assessor):
    award = AwardFactory()
    client.force_login(assessor)
    assert is_refused(client.get(f"{URL}project/{award.pk}/"))


def _figure(content, attr):
    match = re.search(rf"{attr}[^>]*>£([\d,\.]+)<".encode(), content)
    return Decimal(match.group(1).decode().replace(",", ""))


def test_dashboard_figures_reconcile_with_awards_and_payments(client, executive):
    a = AwardFactory(amount=Decimal("1000.01"), prevention_bp=3333, support_bp=3333, perpetrators_bp=3334, trust_bp=0)
    b = AwardFactory(amount=Decimal("500.00"), prevention_bp=0, support_bp=10000, perpetrators_bp=0, trust_bp=0)
    AwardFactory(amount=Decimal("999.99"), status="declined")
    AwardFactory(amount=Decimal("700.00"), start_date=dt.date(2025, 4, 1), end_date=dt.date(2026, 3, 31))
    paid(a, "333.34", dt.date(2026, 7, 10))
    paid(b, "250.00", dt.date(2026, 10, 1))
    paid(b, "250.00", dt.date(2027, 4, 2))  # next year
    client.force_login(executive)
    content = client.get(URL, {"year": "2026"}).content
    assert _figure(content, "data-total-committed") == Decimal("1500.01")
    assert _figure(content, "data-total-paid") == Decimal("583.34")
    committed = {
        slug: _figure(content, f'data-theme-committed="{slug}"')
        for slug in ("prevention", "support", "perpetrators", "trust")
    }
    # 100001p x 33.33% = 33330.33p, x 33.34% = 33340.33p: the odd penny goes to the largest remainder.
    assert committed == {
        "prevention": Decimal("333.30"),
        "support": Decimal("833.30"),
        "perpetrators": Decimal("333.41"),
        "trust": Decimal("0.00"),
    }
    assert sum(committed.values()) == Decimal("1500.01")
    paid_parts = {
        slug: _figure(content, f'data-theme-paid="{slug}"')
        for slug in ("prevention", "support", "perpetrators", "trust")
    }
    assert sum(paid_parts.values()) == Decimal("583.34")
    # All years includes last year's award and next year's payment.
    content = client.get(URL, {"year": "all"}).content
    assert _figure(content, "data-total-committed") == Decimal("2200.01")
    assert _figure(content, "data-total-paid") == Decimal("833.34")


def test_headline_figures(open_call):
    open_call.total_budget = Decimal("100000.00")
    open_call.opens_at = dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC)
    open_call.closes_at = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)
    open_call.save()
    award = AwardFactory(call=open_call, amount=Decimal("40000.00"))
    AwardFactory(call=open_call, amount=Decimal("10000.00"), status="offered")
    paid(award, "10000.00", dt.date(2026, 7, 1))
    quarterly_return(award, 2026, 1, submitted_on=dt.date(2026, 7, 20))  # due 21 July: on time
    quarterly_return(award, 2026, 2, submitted_on=dt.date(2026, 10, 30))  # due 21 October: late
    quarterly_return(award, 2026, 3, status="not_started")  # due 21 January 2027
    h = selectors.headline(selectors.Filters(financial_year=2026), today=dt.date(2027, 2, 1))
    assert h.budget == Decimal("100000.00")
    assert h.committed == Decimal("50000.00")
    assert h.paid == Decimal("10000.00")
    assert h.remaining == Decimal("50000.00")
    assert h.still_to_pay == Decimal("40000.00")
    assert h.active_projects == 1
    assert (h.returns_submitted, h.returns_on_time, h.on_time_percent) == (2, 1, Decimal("50.0"))
    assert h.overdue_returns == 1


def test_outcomes_sum_counts_and_show_percentages_per_project(settings):
    settings.RAG_GREEN_AT, settings.RAG_AMBER_AT = Decimal(90), Decimal(70)
    women = Indicator.objects.get(code="survivors-supported-women")
    safer = Indicator.objects.get(code="survivors-feeling-safer")
    a, b = AwardFactory(), AwardFactory()
    for award, actuals, pct in ((a, (10, 10), 95), (b, (2, 3), 50)):
        for q, actual in zip((1, 2), actuals):
            r = quarterly_return(award, 2026, q)
            target(award, women, 2026, q, 10)
            target(award, safer, 2026, q, 80)
            result(r, women, actual)
            result(r, safer, pct)
        # Q3 has not ended on TODAY: its target must not count yet.
        target(award, women, 2026, 3, 1000)
    groups, worst = selectors.outcomes(selectors.Filters(financial_year=2026), today=TODAY)
    support = next(g for g in groups if g.theme and g.theme.slug == "support")
    women_row = next(r for r in support.indicators if r.indicator == women)
    assert (women_row.target, women_row.actual) == (Decimal("40.00"), Decimal("25.00"))
    assert women_row.rag == "red" and women_row.percent == Decimal("62.5")
    safer_row = next(r for r in support.indicators if r.indicator == safer)
    assert safer_row.target is None  # percentages are never summed or averaged
    per_project = {p.reference: (p.actual, p.rag) for p in safer_row.projects}
    assert per_project == {a.reference: (Decimal("95.00"), "green"), b.reference: (Decimal("50.00"), "red")}
    assert worst == {a.pk: "green", b.pk: "red"}


def test_rag_thresholds_are_settings(settings):
    settings.RAG_GREEN_AT, settings.RAG_AMBER_AT = Decimal(90), Decimal(70)
    assert selectors.rag_for(Decimal(90), Decimal(100))[0] == "green"
    assert selectors.rag_for(Decimal(89), Decimal(100))[0] == "amber"
    assert selectors.rag_for(Decimal(70), Decimal(100))[0] == "amber"
    assert selectors.rag_for(Decimal(69), Decimal(100))[0] == "red"
    settings.RAG_GREEN_AT = Decimal(95)
    assert selectors.rag_for(Decimal(90), Decimal(100))[0] == "amber"
    # Days: lower is better.
    assert selectors.rag_for(Decimal(10), Decimal(5), lower_is_better=True)[0] == "red"


def test_filters_by_provider_call_and_theme(client, executive, organisation, open_call):
    mine = AwardFactory(
        organisation=organisation,
        call=open_call,
        amount=Decimal("100.00"),
        prevention_bp=0,
        support_bp=0,
        perpetrators_bp=10000,
        trust_bp=0,
    )
    AwardFactory(amount=Decimal("900.00"))
    assert selectors.theme_spend(selectors.Filters(2026, organisation_id=organisation.pk))[1] == Decimal("100.00")
    assert selectors.theme_spend(selectors.Filters(2026, call_id=open_call.pk))[1] == Decimal("100.00")
    assert selectors.theme_spend(selectors.Filters(2026, theme="perpetrators"))[1] == Decimal("1000.00")
    assert selectors.theme_spend(selectors.Filters(2026, theme="prevention"))[1] == Decimal("900.00")
    client.force_login(executive)
    response = client.get(
        URL, {"year": "2026", "provider": organisation.pk, "theme": "perpetrators", "call": open_call.pk}
    )
    assert _figure(response.content, "data-total-committed") == Decimal("100.00")
    assert mine.reference.encode() not in client.get(URL + "theme/support/", {"year": "2026"}).content


def test_drill_down_theme_and_project(client, executive):
    award = AwardFactory(amount=Decimal("1000.00"), prevention_bp=1000, support_bp=9000, perpetrators_bp=0, trust_bp=0)
    paid(award, "500.00", dt.date(2026, 7, 1))
    r = quarterly_return(award, 2026, 1)
    client.force_login(executive)
    page = client.get(URL + "theme/support/", {"year": "2026"}).content.decode()
    assert award.reference in page and award.organisation.name in page
    assert "£900.00 (90%)" in page and "£450.00" in page
    assert r.period_label in page
    assert award.reference not in client.get(URL + "theme/perpetrators/", {"year": "2026"}).content.decode()
    project = client.get(f"{URL}project/{award.pk}/").content.decode()
    assert "Progress for Q1 2026/27." in project and "£500.00" in project


def test_svg_charts_are_accessible(client, executive):
    AwardFactory()
    client.force_login(executive)
    page = client.get(URL, {"year": "2026"}).content.decode()
    assert page.count('role="img"') == 2
    assert page.count("<title id=") == 2 and page.count("<desc id=") == 2
    assert "<pattern" in page  # fills differ by pattern, not only colour


def _count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        assert client.get(url, {"year": "2026"}).status_code == 200


@pytest.mark.parametrize("path", ["", "theme/support/", "project/{pk}/"])
def test_query_count_is_the_same_at_10_and_1000_awards(client, executive, django_assert_num_queries, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    awards = build_portfolio(10)
    client.force_login(executive)
    url = URL + path.format(pk=awards[0].pk)
    client.get(url, {"year": "2026"})  # warm caches (session, user, groups)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, {"year": "2026"}).status_code == 200
    awards += build_portfolio(990)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url, {"year": "2026"}).status_code == 200


def test_board_pack_download_is_audited(client, executive):
    AwardFactory()
    client.force_login(executive)
    response = client.get(URL + "board-pack.xlsx", {"year": "2026"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    entry = AuditEntry.objects.get(action="reporting.board_pack_downloaded")
    assert entry.actor == executive and "2026/27" in entry.comment


def test_calls_with_equal_budgets_both_count(open_call):
    from tests.factories import CallFactory

    for call in (open_call, CallFactory()):
        call.opens_at = dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC)
        call.total_budget = Decimal("50000.00")
        call.save()
    assert selectors.headline(selectors.Filters(financial_year=2026)).budget == Decimal("100000.00")
    assert selectors.headline(selectors.Filters(financial_year=2025)).budget == Decimal("0.00")


def test_charts_are_well_formed_svg():
    from xml.etree import ElementTree

    from outcomes.reporting.charts import bar_chart, stacked_bar_chart

    ns = "{http://www.w3.org/2000/svg}"
    for svg in (
        bar_chart(title="T & <b>", categories=["A", "B"], series=[("Committed", [1, 2]), ("Paid", [0, 1])]),
        stacked_bar_chart(title="Q", categories=["Q1"], series=[("Prevent", [5]), ("Support", [0])]),
        bar_chart(title="Empty", categories=[], series=[]),
    ):
        root = ElementTree.fromstring(str(svg))
        assert root.get("role") == "img"
        assert root.find(f"{ns}title") is not None and root.find(f"{ns}desc") is not None
    root = ElementTree.fromstring(str(bar_chart(title="T & <b>", categories=["A"], series=[("C", [Decimal("1.5")])])))
    assert root.find(f"{ns}title").text == "T & <b>"
    assert "A: C £1.50" in root.find(f"{ns}desc").text


def test_money_filter_formats_negative_remaining_budget():
    from commissioning.formats import money

    assert money(Decimal("-98793.36")) == "-£98,793.36"
    assert money(Decimal("1234.5")) == "£1,234.50"
    assert money(None) == "–"
