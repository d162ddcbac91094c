"""Theme pages' live figures reconcile with the awards."""

import datetime as dt
from decimal import Decimal

import pytest

from cms.models import ThemePage, theme_figures
from commissioning.fiscal import current_financial_year, financial_year_bounds
from commissioning.models import Theme
from outcomes.models import AwardStatus

from .conftest import AwardFactory

pytestmark = pytest.mark.django_db


def split(prevention=0, support=0, perpetrators=0, trust=0):
    return {"prevention_bp": prevention, "support_bp": support, "perpetrators_bp": perpetrators, "trust_bp": trust}


@pytest.fixture
def this_year():
    start, end = financial_year_bounds(current_financial_year())
    return start, end


def test_figures_count_funded_projects_and_apportion_this_years_amounts(website, this_year):
    start, end = this_year
    AwardFactory(amount=Decimal("10000.00"), start_date=start, **split(support=10000))
    AwardFactory(
        amount=Decimal("33333.33"),
        start_date=start + dt.timedelta(days=10),
        status=AwardStatus.CLOSED,
        **split(support=3333, prevention=6667),
    )
    AwardFactory(
        amount=Decimal("5000.00"), start_date=start - dt.timedelta(days=400), **split(support=5000, trust=5000)
    )
    # Not funded (yet, or at all): never counted.
    AwardFactory(amount=Decimal("99999.00"), start_date=start, status=AwardStatus.OFFERED, **split(support=10000))
    AwardFactory(amount=Decimal("88888.00"), start_date=start, status=AwardStatus.DECLINED, **split(support=10000))
    # Starts next year: a project funded, not a commitment this year.
    AwardFactory(amount=Decimal("7000.00"), start_date=end + dt.timedelta(days=1), **split(perpetrators=10000))

    support = theme_figures(Theme.objects.get(slug="support"))
    assert support["projects"] == 3
    # 10000 + 33333.33 x 33.33% (= 11110.00) ; last year's award is outside this year.
    assert support["committed"] == Decimal("21110.00")

    prevention = theme_figures(Theme.objects.get(slug="prevention"))
    assert prevention == {**prevention, "projects": 1, "committed": Decimal("22223.33")}  # 33333.33 x 66.67%

    trust = theme_figures(Theme.objects.get(slug="trust"))
    assert (trust["projects"], trust["committed"]) == (1, Decimal("0.00"))
    perpetrators = theme_figures(Theme.objects.get(slug="perpetrators"))
    assert (perpetrators["projects"], perpetrators["committed"]) == (1, Decimal("0.00"))


def test_apportioned_amounts_add_up_to_the_awards(website, this_year):
    start, _ = this_year
    awards = [
        AwardFactory(amount=Decimal("12345.67"), start_date=start, **split(2500, 2500, 2500, 2500)),
        AwardFactory(amount=Decimal("80000.00"), start_date=start, **split(1000, 6000, 0, 3000)),
    ]
    total = sum(theme_figures(theme)["committed"] for theme in Theme.objects.all())
    assert abs(total - sum(award.amount for award in awards)) <= Decimal("0.02")  # at most a penny per theme


def test_theme_page_shows_the_figures(client, website, this_year):
    start, _ = this_year
    AwardFactory(amount=Decimal("40000.00"), start_date=start, **split(support=7500, trust=2500))
    AwardFactory(amount=Decimal("2500.50"), start_date=start, **split(support=10000))
    page = ThemePage.objects.get(theme__slug="support")
    html = client.get(page.url).content.decode()
    assert '<dd class="bcsp-figure__value">2</dd>' in html
    assert '<dd class="bcsp-figure__value">£32,500.50</dd>' in html
    assert 'href="/funded-projects/?theme=support"' in html


def test_theme_page_queries_do_not_grow_with_awards(client, website, this_year, django_assert_max_num_queries):
    start, _ = this_year
    page = ThemePage.objects.get(theme__slug="support")
    AwardFactory.create_batch(2, start_date=start)
    client.get(page.url)
    with django_assert_max_num_queries(25) as small:
        client.get(page.url)
    AwardFactory.create_batch(30, start_date=start)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(page.url)
