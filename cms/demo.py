"""Demo website content: a complete, fictional public site. Idempotent: existing pages are left alone."""

import datetime as dt

from django.db import transaction
from django.utils.html import escape
from wagtail.models import Page, Site

from commissioning.models import Call, Theme

from .models import (
    CallIndexPage,
    CallPage,
    FundedProjectsPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    StandardPage,
    ThemePage,
)

HOME_INTRODUCTION = (
    "<p>The Bexley Community Safety Partnership brings together the council, the police, health services "
    "and local charities. Our strategy to end violence against women and girls (VAWG) sets out four themes. "
    "We fund local organisations to deliver projects under them, and we publish what every grant buys.</p>"
)

THEME_TEXT = {
    "prevention": (
        "Stopping violence before it starts: education, awareness and safer public spaces.",
        "We fund work in schools and youth settings on healthy relationships, bystander training, and projects "
        "with venues and transport to make town centres safer at night.",
    ),
    "support": (
        "Specialist help for every victim and survivor, when and where they need it.",
        "We fund independent advocacy, counselling, refuge outreach and support for children and young people "
        "affected by domestic abuse, including services run by and for the communities they serve.",
    ),
    "perpetrators": (
        "Challenging and changing the behaviour of people who cause harm.",
        "We fund accredited behaviour-change programmes and work that helps agencies share information so "
        "that perpetrators face consequences and victims are safer.",
    ),
    "trust": (
        "Making sure women and girls are confident to report and to be heard.",
        "We fund community engagement, training for front-line staff and work that brings survivors' voices "
        "into how services are designed and checked.",
    ),
}


def _p(text):
    return {"type": "paragraph", "value": f"<p>{escape(text)}</p>"}


def _heading(text, level="h2"):
    return {"type": "heading", "value": {"text": text, "level": level}}


def _faq(question, answer):
    return {"type": "details", "value": {"summary": question, "content": f"<p>{escape(answer)}</p>"}}


def _child(parent, model, slug, **fields):
    """The existing child page with this slug, or a new published one."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing:
        return existing.specific
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _home():
    home = HomePage.objects.first()
    if home:
        return home
    root = Page.get_first_root_node()
    # Wagtail's "Welcome to your new Wagtail site" page holds the slug "home" under the root.
    welcome = root.get_children().filter(slug="home").exclude(content_type__model="homepage").first()
    if welcome:
        welcome.slug = "wagtail-welcome"
        welcome.save(update_fields=["slug"])
    home = HomePage(
        title="Funding to end violence against women and girls",
        slug="home",
        seo_title="Bexley Community Safety Partnership: grants and outcomes",
        search_description="How the Bexley Community Safety Partnership funds local work to end violence "
        "against women and girls, and what the money buys.",
        introduction=HOME_INTRODUCTION,
        body=[],
    )
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site:
        site.root_page = home
        site.site_name = "Bexley Community Safety Partnership"
        site.save()
    else:
        Site.objects.create(
            hostname="localhost", root_page=home, is_default_site=True, site_name="Bexley Community Safety Partnership"
        )
    if welcome:
        welcome.delete()
    return home


@transaction.atomic
def seed_website():
    """The site root's home page and a page of every type. Needs the themes and seed_calls' calls."""
    home = _home()

    for theme in Theme.objects.all():
        summary, description = THEME_TEXT.get(theme.slug, (theme.description or theme.name, theme.description))
        if not ThemePage.objects.filter(theme=theme).exists():
            _child(
                home,
                ThemePage,
                theme.slug,
                title=theme.name,
                theme=theme,
                summary=summary,
                show_in_menus=False,
                search_description=summary,
                body=[_p(description or summary)],
            )

    calls_index = _child(
        home,
        CallIndexPage,
        "calls",
        title="Calls for funding",
        show_in_menus=True,
        search_description="Open, upcoming and closed calls for funding from the partnership.",
        introduction="<p>We run calls for funding during the year. Each call says who can apply, how much is "
        "available and how we score applications.</p>",
    )
    for call in Call.objects.order_by("opens_at"):
        if not CallPage.objects.filter(call=call).exists():
            _child(
                calls_index,
                CallPage,
                call.reference.lower(),
                title=call.title,
                call=call,
                search_description=call.summary[:250],
                body=[
                    _heading("What this call is for"),
                    _p(call.summary),
                    {
                        "type": "inset",
                        "value": "<p>Talk to us before you apply if you are not sure your "
                        "project fits: email the partnership team.</p>",
                    },
                    _heading("Questions and answers"),
                    _faq(
                        "Can we apply with a partner organisation?",
                        "Yes. One organisation must lead the application and receive the grant.",
                    ),
                    _faq(
                        "Can we pay for existing services?",
                        "Only if the grant lets you do something new or reach more people.",
                    ),
                ],
                how_to_apply='<p>Read the <a href="/how-to-apply/">guidance on applying</a> first.</p>',
            )

    _child(
        home,
        FundedProjectsPage,
        "funded-projects",
        title="Funded projects",
        show_in_menus=True,
        search_description="Every project the partnership funds: provider, amount, dates and themes.",
        introduction="<p>Every grant the partnership has made, with who received it, how much, when the "
        "project runs and which themes it works on.</p>",
    )

    _child(
        home,
        StandardPage,
        "how-to-apply",
        title="How to apply for funding",
        show_in_menus=True,
        search_description="A step-by-step guide to applying for a grant, with answers to common questions.",
        introduction="Applying takes most organisations two or three hours. You can save your application "
        "and come back to it later.",
        body=[
            _heading("Before you start"),
            _p(
                "Check the call's eligibility rules and its closing date. Have your organisation's governing "
                "document, safeguarding policy and latest accounts ready to upload."
            ),
            _heading("Applying"),
            {
                "type": "paragraph",
                "value": "<ol><li>Create an account in the grants portal.</li>"
                "<li>Register your organisation, or ask to join it if a colleague already has.</li>"
                "<li>Start an application to an open call and complete every section.</li>"
                "<li>Submit before the deadline. We will email you a receipt.</li></ol>",
            },
            {"type": "warning", "value": "We cannot accept applications after a call closes."},
            _heading("Frequently asked questions"),
            _faq(
                "How long does a decision take?",
                "We aim to tell you the outcome within eight weeks of the closing date.",
            ),
            _faq("Will you give feedback?", "Yes. Every applicant gets written feedback on their scores."),
            _faq("Can we apply to more than one call?", "Yes, as long as each application is for a different project."),
        ],
    )

    _child(
        home,
        StandardPage,
        "privacy",
        title="Privacy notice",
        show_in_menus=False,
        search_description="What personal information the grants service holds, why, and for how long.",
        introduction="This notice explains what information the partnership's grants service holds about "
        "you and your organisation, why we hold it and how long we keep it.",
        body=[
            _heading("What we hold"),
            _p(
                "Your name, email address and role for your account; your organisation's details; the "
                "applications you make; and, if you receive a grant, your quarterly monitoring returns."
            ),
            _p(
                "Monitoring returns contain aggregate figures only, such as the number of people supported. "
                "We never ask for the names or details of the people your project supports."
            ),
            _heading("How long we keep it"),
            {
                "type": "paragraph",
                "value": "<ul>"
                "<li>Unsuccessful applications are anonymised 2 years after the decision.</li>"
                "<li>Provider accounts are deactivated after a long period without signing in.</li>"
                "<li>Grant records are kept for the audit period the council's financial rules require.</li>"
                "</ul>",
            },
            _heading("Your rights"),
            _p(
                "You can ask for a copy of the information we hold about you, ask us to correct it, or complain "
                "to the Information Commissioner's Office."
            ),
        ],
    )

    _child(
        home,
        StandardPage,
        "accessibility",
        title="Accessibility statement",
        show_in_menus=False,
        search_description="How accessible this website is and how to report a problem.",
        introduction="We want as many people as possible to be able to use this website.",
        body=[
            _p(
                "You should be able to change colours, contrast levels and fonts, zoom in up to 400% without the "
                "text spilling off the screen, and get around the website using just a keyboard or a screen "
                "reader."
            ),
            _heading("How accessible this website is"),
            _p(
                "The website is built with the GOV.UK Design System's components and aims to meet the Web "
                "Content Accessibility Guidelines version 2.2 AA standard."
            ),
            _heading("Reporting accessibility problems"),
            _p(
                "If you find a problem that is not listed here, or you need information in a different "
                "format, contact the partnership team. We will reply within 5 working days."
            ),
            _heading("Enforcement procedure"),
            _p(
                "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the accessibility "
                "regulations. If you are not happy with how we respond to your complaint, contact the Equality "
                "Advisory and Support Service (EASS)."
            ),
        ],
    )

    news_index = _child(
        home,
        NewsIndexPage,
        "news",
        title="News",
        show_in_menus=True,
        search_description="News from the partnership's grants programme.",
    )
    news = [
        (
            "safer-spaces-call-opens",
            "Safer public spaces call now open",
            10,
            "Small grants are available for projects that make Bexley's town centres safer for women and girls.",
            "Organisations working with venues, transport operators and businesses can apply for grants of up to "
            "£30,000.",
        ),
        (
            "first-year-results",
            "What the first year of grants achieved",
            40,
            "Our first funded projects have reported on their first year of work.",
            "Projects supported survivors through advocacy and counselling, and ran healthy-relationships sessions "
            "in secondary schools. The figures are on each theme's page.",
        ),
        (
            "strategy-launch",
            "Partnership launches its strategy to end VAWG",
            120,
            "The partnership has agreed a four-theme strategy and a grants programme to deliver it.",
            "The strategy was shaped by survivors, local charities and partner agencies.",
        ),
    ]
    today = dt.date.today()
    for slug, title, days_ago, introduction, text in news:
        _child(
            news_index,
            NewsPage,
            slug,
            title=title,
            date=today - dt.timedelta(days=days_ago),
            introduction=introduction,
            search_description=introduction,
            body=[_p(text)],
        )
    return home
