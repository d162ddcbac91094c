"""Every page type renders with the demo content; titles, descriptions, navigation and breadcrumbs."""

import pytest
from wagtail.models import Page, Site

from cms import demo as cms_demo
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

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url, expected",
    [
        (
            "/",
            [
                "Funding to end violence against women and girls",
                "The strategy's four themes",
                "Supporting all victims and survivors",
                "Safer public spaces and night-time economy",
                "Latest news",
            ],
        ),
        ("/support/", ["Supporting all victims and survivors", "Projects funded", "Committed to this theme"]),
        (
            "/calls/",
            [
                "Open now",
                "Opening soon",
                "Closed",
                "Children and young people affected by domestic abuse",
                "Survivor support and advocacy 2025/26",
                "£120,000 in total",
            ],
        ),
        (
            "/calls/bcsp-2026-02/",
            [
                "Safer public spaces and night-time economy",
                "Who can apply",
                "Grant size",
                "£2,000 to £30,000",
                "Value for money",
                "20%",
                "How to apply",
                "govuk-details",
            ],
        ),
        (
            "/funded-projects/",
            ["Funded projects", "/open-data/360giving.json", "/open-data/360giving.csv", "/open-data/360giving.xlsx"],
        ),
        ("/how-to-apply/", ["How to apply for funding", "Frequently asked questions", "govuk-warning-text"]),
        ("/privacy/", ["Privacy notice", "anonymised 2 years after the decision", "aggregate figures only"]),
        ("/accessibility/", ["Accessibility statement", "2.2 AA"]),
        ("/news/", ["News", "Safer public spaces call now open"]),
        ("/news/strategy-launch/", ["Partnership launches its strategy to end VAWG", "Published"]),
    ],
)
def test_every_page_type_renders_with_demo_content(client, website, url, expected):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for text in expected:
        assert text in html, text
    # Page furniture every public page needs for accessibility.
    assert 'class="govuk-skip-link"' in html
    assert '<main class="govuk-main-wrapper" id="main-content">' in html
    assert html.count("<h1") == 1


def test_demo_replaces_the_welcome_page_and_points_the_site_at_home(website):
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert not Page.objects.filter(slug="wagtail-welcome").exists()
    assert ThemePage.objects.count() == 4
    assert CallPage.objects.count() == 4
    assert StandardPage.objects.filter(slug__in=["accessibility", "privacy", "how-to-apply"]).count() == 3
    assert NewsPage.objects.live().count() == 3
    for model in (CallIndexPage, FundedProjectsPage, NewsIndexPage):
        assert model.objects.live().count() == 1


def test_demo_seeding_is_idempotent(website):
    before = list(Page.objects.order_by("path").values_list("path", "slug", "title"))
    cms_demo.seed_website()
    assert list(Page.objects.order_by("path").values_list("path", "slug", "title")) == before


def test_page_title_and_meta_description_come_from_the_page(client, website):
    html = client.get("/privacy/").content.decode()
    assert "<title>Privacy notice – Bexley Community Safety Partnership</title>" in html
    assert '<meta name="description" content="What personal information the grants service holds' in html
    home_html = client.get("/").content.decode()
    # seo_title overrides the title when set.
    assert "<title>Bexley Community Safety Partnership: grants and outcomes – " in home_html


def test_navigation_comes_from_pages_shown_in_menus(client, website):
    html = client.get("/calls/").content.decode()
    nav = html.split('id="navigation"')[1].split("</ul>")[0]
    assert 'href="/calls/" aria-current="page"' in nav
    assert 'href="/funded-projects/"' in nav and 'href="/news/"' in nav
    assert "/privacy/" not in nav  # not marked "show in menus"
    page = StandardPage.objects.get(slug="privacy")
    page.show_in_menus = True
    page.save_revision().publish()
    assert 'href="/privacy/"' in client.get("/").content.decode().split('id="navigation"')[1].split("</ul>")[0]


def test_breadcrumbs_show_the_ancestors(client, website):
    html = client.get("/calls/bcsp-2026-02/").content.decode()
    crumbs = html.split('class="govuk-breadcrumbs"')[1].split("</nav>")[0]
    assert '<a class="govuk-breadcrumbs__link" href="/">Home</a>' in crumbs
    assert '<a class="govuk-breadcrumbs__link" href="/calls/">Calls for funding</a>' in crumbs
    assert 'class="govuk-breadcrumbs"' not in client.get("/").content.decode()


def test_sign_in_and_out_links_in_the_header(client, website, provider):
    assert 'href="/portal/sign-in/"' in client.get("/").content.decode()
    client.force_login(provider)
    html = client.get("/").content.decode()
    assert 'action="/portal/sign-out/"' in html and "Your dashboard" in html


def test_pages_escape_editor_and_call_text(client, make_call_page):
    page = make_call_page(title="<script>alert('t')</script>", eligibility="<b>Anyone</b> & everyone")
    page.search_description = '"><script>x</script>'
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<b>Anyone</b>" not in html and "&lt;b&gt;Anyone&lt;/b&gt; &amp; everyone" in html
    assert 'content="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in html


def test_call_page_is_creatable_only_under_the_calls_index(website):
    assert CallPage.can_create_at(CallIndexPage.objects.get())
    assert not CallPage.can_create_at(HomePage.objects.get())
    assert CallIndexPage.objects.get().specific_class.allowed_subpage_models() == [CallPage]


def test_a_call_can_have_only_one_page(website):
    from django.core.exceptions import ValidationError

    existing = CallPage.objects.first()
    duplicate = CallPage(title="Copy", slug="copy", call=existing.call, body=[])
    with pytest.raises(ValidationError):
        duplicate.full_clean()


def test_commissioner_can_open_the_admin_form_to_add_a_call_page(client, website, commissioner):
    client.force_login(commissioner)
    index = CallIndexPage.objects.get()
    response = client.get(f"/admin/pages/add/cms/callpage/{index.pk}/")
    assert response.status_code == 200
    assert 'name="call"' in response.content.decode()


def test_commissioner_publishes_a_call_page_from_the_admin(client, website, commissioner):
    from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

    from ..factories import CallFactory

    call = CallFactory(title="Community champions")
    index = CallIndexPage.objects.get()
    client.force_login(commissioner)
    data = nested_form_data(
        {
            "title": "Community champions",
            "slug": "community-champions",
            "call": call.pk,
            "body": streamfield([("paragraph", rich_text("<p>Train local champions.</p>"))]),
            "how_to_apply": rich_text(""),
            "action-publish": "action-publish",
        }
    )
    response = client.post(f"/admin/pages/add/cms/callpage/{index.pk}/", data)
    assert response.status_code == 302
    page = CallPage.objects.get(slug="community-champions")
    assert page.live and page.call == call
    html = client.get("/calls/").content.decode()
    assert 'href="/calls/community-champions/"' in html
