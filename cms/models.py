"""Wagtail page models for the public website."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import DecimalField, ExpressionWrapper, F, Max, Min, Sum
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from commissioning.fiscal import current_financial_year, financial_year_bounds, financial_year_label, financial_year_of
from commissioning.models import Call, Theme
from outcomes.models import ALLOCATION_FIELDS, FULL_ALLOCATION_BP, Award, AwardStatus

from .blocks import PROSE_FEATURES, BodyBlock

PENNY = Decimal("0.01")
# Awards the public sees: running or finished. Offers not yet accepted and declined offers are not "funded".
FUNDED_STATUSES = [AwardStatus.ACTIVE, AwardStatus.CLOSED]


def funded_awards():
    return Award.objects.filter(status__in=FUNDED_STATUSES)


def theme_figures(theme, *, financial_year=None):
    """Projects funded with a share in ``theme`` (ever) and the amount committed to the theme by awards
    starting in ``financial_year`` (default: the current one), each award apportioned by its allocation.
    Two aggregate queries whatever the number of awards."""
    field = ALLOCATION_FIELDS[theme.slug]
    awards = funded_awards().filter(**{f"{field}__gt": 0})
    year = current_financial_year() if financial_year is None else financial_year
    start, end = financial_year_bounds(year)
    # amount (2 places) x basis points (integer) is exact at 2 places; dividing by 10000 happens once, in
    # Python, so pennies are rounded once rather than per award.
    weighted = ExpressionWrapper(F("amount") * F(field), output_field=DecimalField(max_digits=20, decimal_places=2))
    total = awards.filter(start_date__range=(start, end)).aggregate(total=Sum(weighted))["total"] or Decimal("0")
    return {
        "projects": awards.count(),
        "committed": (Decimal(total) / FULL_ALLOCATION_BP).quantize(PENNY, rounding=ROUND_HALF_UP),
        "year_label": financial_year_label(year),
    }


class BasePage(Page):
    """Fields and behaviour every public page shares."""

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The root node (depth 1) is not a page anyone can visit, so breadcrumbs start at the home page.
        context["breadcrumbs"] = self.get_ancestors().filter(depth__gt=1) if self.depth > 2 else []
        return context


class HomePage(BasePage):
    """The site's home page: the strategy introduction, the themes, open calls and latest news."""

    introduction = RichTextField(features=PROSE_FEATURES, help_text="The strategy in a few sentences.")
    body = StreamField(BodyBlock(), blank=True, help_text="Shown below the themes, open calls and news.")

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("introduction"), index.SearchField("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["theme_pages"] = (
            ThemePage.objects.live().descendant_of(self).select_related("theme").order_by("theme__display_order")
        )
        open_calls = list(Call.objects.open().order_by("closes_at"))
        context["open_calls"] = with_call_pages(open_calls)
        context["latest_news"] = NewsPage.objects.live().descendant_of(self).order_by("-date", "-pk")[:3]
        return context


class ThemePage(BasePage):
    """One of the strategy's four themes, with live figures from the awards."""

    theme = models.OneToOneField(Theme, on_delete=models.PROTECT, related_name="page")
    summary = models.CharField(max_length=300, help_text="One or two sentences, shown on the home page.")
    body = StreamField(BodyBlock(), help_text="What the theme means and what the partnership funds under it.")

    content_panels = Page.content_panels + [FieldPanel("theme"), FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["figures"] = theme_figures(self.theme)
        context["funded_projects_page"] = FundedProjectsPage.objects.live().first()
        context["open_calls"] = with_call_pages(
            list(Call.objects.open().filter(themes=self.theme).order_by("closes_at"))
        )
        return context


def with_call_pages(calls):
    """[(call, its live CallPage or None)] with one query for all the pages."""
    pages = {page.call_id: page for page in CallPage.objects.live().filter(call__in=calls)}
    return [(call, pages.get(call.pk)) for call in calls]


class CallIndexPage(BasePage):
    """Every call: open, upcoming and closed."""

    introduction = RichTextField(features=PROSE_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    search_fields = Page.search_fields + [index.SearchField("introduction")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CallPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        calls = Call.objects.all()
        context["open_calls"] = with_call_pages(list(calls.open().order_by("closes_at")))
        context["upcoming_calls"] = with_call_pages(list(calls.upcoming().order_by("opens_at")))
        context["closed_calls"] = with_call_pages(list(calls.closed().order_by("-closes_at")))
        return context


class CallPage(BasePage):
    """The public page for one call. Dates, budget and criteria come from the call itself, so the page
    never disagrees with what the portal accepts."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="pages")
    body = StreamField(BodyBlock(), help_text="What the call is for: background, priorities and FAQs.")
    how_to_apply = RichTextField(features=PROSE_FEATURES, blank=True, help_text="Extra advice on applying.")

    content_panels = Page.content_panels + [FieldPanel("call"), FieldPanel("body"), FieldPanel("how_to_apply")]
    search_fields = Page.search_fields + [index.SearchField("body"), index.SearchField("how_to_apply")]
    parent_page_types = ["cms.CallIndexPage"]
    subpage_types = []

    def clean(self):
        super().clean()
        if self.call_id and CallPage.objects.filter(call_id=self.call_id).exclude(pk=self.pk).exists():
            raise ValidationError({"call": "This call already has a page. Edit that page instead."})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["criteria"] = self.call.criteria.all()
        context["themes"] = self.call.themes.all()
        return context


class FundedProjectsPage(BasePage):
    """Transparency: every funded project, filterable by theme and financial year."""

    introduction = RichTextField(features=PROSE_FEATURES, blank=True)
    per_page = 20

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    search_fields = Page.search_fields + [index.SearchField("introduction")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count = 1

    def financial_years(self):
        bounds = funded_awards().aggregate(first=Min("start_date"), last=Max("end_date"))
        if not bounds["first"]:
            return []
        first = financial_year_of(bounds["first"])
        last = financial_year_of(bounds["last"])
        return [(year, financial_year_label(year)) for year in range(last, first - 1, -1)]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        themes = list(Theme.objects.all())
        years = self.financial_years()
        awards = funded_awards().select_related("organisation").order_by("-start_date", "reference")

        selected_theme = next((t for t in themes if t.slug == request.GET.get("theme")), None)
        if selected_theme:
            awards = awards.filter(**{f"{ALLOCATION_FIELDS[selected_theme.slug]}__gt": 0})
        selected_year = None
        year_param = request.GET.get("year", "")
        if year_param.isdigit() and int(year_param) in dict(years):
            selected_year = int(year_param)
            start, end = financial_year_bounds(selected_year)
            # A project counts in every year it runs in, not just the one it started in.
            awards = awards.filter(start_date__lte=end, end_date__gte=start)

        totals = awards.aggregate(amount=Sum("amount"))
        page = Paginator(awards, self.per_page).get_page(request.GET.get("page"))
        theme_names = {t.slug: t.name for t in themes}
        page.object_list = [(award, award_themes(award, theme_names)) for award in page.object_list]
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            themes=themes,
            years=years,
            selected_theme=selected_theme,
            selected_year=selected_year,
            awards_page=page,
            total_count=page.paginator.count,
            total_amount=totals["amount"] or Decimal("0"),
            filter_query=query.urlencode(),
            filtered=bool(selected_theme or selected_year),
        )
        return context


def award_themes(award, theme_names):
    """[(theme name, percentage)] for the themes an award funds, largest share first."""
    shares = [
        (theme_names.get(slug, slug), Decimal(getattr(award, field)) / 100)
        for slug, field in ALLOCATION_FIELDS.items()
        if getattr(award, field)
    ]
    return sorted(shares, key=lambda share: -share[1])


class StandardPage(BasePage):
    """Guidance, FAQs, the privacy notice, the accessibility statement."""

    introduction = models.TextField(blank=True, help_text="A lead paragraph, in plain text.")
    body = StreamField(BodyBlock())

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("introduction"), index.SearchField("body")]


class NewsIndexPage(BasePage):
    introduction = RichTextField(features=PROSE_FEATURES, blank=True)
    per_page = 10

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        news = NewsPage.objects.live().child_of(self).order_by("-date", "-pk")
        context["news_page"] = Paginator(news, self.per_page).get_page(request.GET.get("page"))
        return context


class NewsPage(BasePage):
    date = models.DateField("publication date")
    introduction = models.TextField(help_text="A sentence or two: shown in lists and as the lead paragraph.")
    body = StreamField(BodyBlock())

    content_panels = Page.content_panels + [FieldPanel("date"), FieldPanel("introduction"), FieldPanel("body")]
    search_fields = Page.search_fields + [
        index.SearchField("introduction"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []
