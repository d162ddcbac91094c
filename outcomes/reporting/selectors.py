"""Read-only reporting queries. Every function runs a fixed number of queries whatever the data size:
totals are aggregated in the database, and money is apportioned across themes from lightweight value rows
in integer pence (see ``apportion``), so totals always equal the sum of their parts to the penny.

Rules (documented in the README):
- Committed in a financial year: awards that are not declined and whose start date falls in that year
  (each award counts once, in the year its work starts; "all years" is the sum of the years).
- Paid in a financial year: payments marked paid whose ``paid_on`` date falls in that year.
- Budget: the total budget of calls opening in that year. Remaining = budget - committed.
- Active projects: active awards whose period overlaps the year.
- Returns on time: of returns due in the year that have been submitted, the share submitted on or before
  their due date (London date). Overdue: returns due in the year, past due and not yet submitted.
- Outcomes, year to date: targets and actuals for quarters that have ended; actuals from submitted or
  approved returns. Counts and pounds are summed across projects; percentages and days are shown per
  project (latest reported quarter), never averaged.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from commissioning.fiscal import (
    FinancialQuarter,
    current_financial_year,
    financial_year_bounds,
    financial_year_label,
    quarter_of,
)
from commissioning.models import Call, Indicator, Theme
from commissioning.models.indicators import IndicatorUnit
from outcomes.models import (
    ALLOCATION_FIELDS,
    Award,
    AwardStatus,
    IndicatorResult,
    IndicatorTarget,
    Payment,
    PaymentStatus,
    QuarterlyReturn,
    ReturnStatus,
)
from outcomes.models.returns import OPEN_RETURN_STATUSES

from .apportion import BP_FIELDS, THEME_SLUGS, apportion_pence, from_pence, to_pence

COUNTED_RETURN_STATUSES = [ReturnStatus.SUBMITTED, ReturnStatus.APPROVED]
SUMMABLE_UNITS = {IndicatorUnit.COUNT, IndicatorUnit.POUNDS}
LOWER_IS_BETTER_UNITS = {IndicatorUnit.DAYS}
RAG_ORDER = {"red": 0, "amber": 1, "green": 2}


@dataclass(frozen=True)
class Filters:
    """What the executive chose: a financial year (None = all years), and optionally a call, provider, theme."""

    financial_year: int | None = None
    call_id: int | None = None
    organisation_id: int | None = None
    theme: str | None = None

    @property
    def year_label(self):
        return financial_year_label(self.financial_year) if self.financial_year is not None else "All years"

    @property
    def bounds(self):
        return financial_year_bounds(self.financial_year) if self.financial_year is not None else None


def default_filters(**kwargs) -> Filters:
    kwargs.setdefault("financial_year", current_financial_year())
    return Filters(**kwargs)


def awards_for(filters: Filters):
    """Committed awards (not declined) matching the call, provider and theme filters (any year)."""
    awards = Award.objects.committed()
    if filters.call_id:
        awards = awards.filter(call_id=filters.call_id)
    if filters.organisation_id:
        awards = awards.filter(organisation_id=filters.organisation_id)
    if filters.theme:
        awards = awards.filter(**{f"{ALLOCATION_FIELDS[filters.theme]}__gt": 0})
    return awards


def _started_in_year(awards, filters):
    if filters.bounds:
        return awards.filter(start_date__range=filters.bounds)
    return awards


def _overlapping_year(awards, filters):
    if filters.bounds:
        start, end = filters.bounds
        return awards.filter(start_date__lte=end, end_date__gte=start)
    return awards


def _paid_payments(filters):
    payments = Payment.objects.filter(status=PaymentStatus.PAID, award__in=awards_for(filters))
    if filters.bounds:
        payments = payments.filter(paid_on__range=filters.bounds)
    return payments


def rag_for(actual, target, *, lower_is_better=False):
    """("green"|"amber"|"red"|None, percentage of target achieved as a Decimal or None)."""
    if target is None or actual is None:
        return None, None
    if lower_is_better:
        if actual == 0:
            return "green", None
        percent = Decimal(target) / Decimal(actual) * 100
    else:
        if target == 0:
            return None, None
        percent = Decimal(actual) / Decimal(target) * 100
    percent = percent.quantize(Decimal("0.1"))
    if percent >= settings.RAG_GREEN_AT:
        return "green", percent
    if percent >= settings.RAG_AMBER_AT:
        return "amber", percent
    return "red", percent


# ----------------------------------------------------------------------------------------------- money


@dataclass
class ThemeSpend:
    theme: Theme
    committed: Decimal = Decimal("0.00")
    paid: Decimal = Decimal("0.00")
    committed_share: Decimal | None = None
    paid_share: Decimal | None = None


def _share(part_pence, total_pence):
    if not total_pence:
        return None
    return (Decimal(part_pence) * 100 / Decimal(total_pence)).quantize(Decimal("0.1"))


def _paid_rows(filters):
    """(paid_on, amount, *basis points) of every paid payment in scope: one query that both the theme totals
    and the by-quarter chart read."""
    payment_bps = [f"award__{name}" for name in BP_FIELDS]
    return list(_paid_payments(filters).values_list("paid_on", "amount", *payment_bps))


def theme_spend(filters: Filters, themes=None, paid_rows=None):
    """Committed and paid per theme, apportioned per award and per payment. Returns
    (list of ThemeSpend, committed total, paid total); the totals are sums of the award and payment
    amounts themselves, which equal the sums of the theme parts by construction.

    Apportioning stays in Python on purpose: each award's and payment's pence are split across themes by
    largest remainder so that the parts add up to the whole to the penny; a SQL SUM(amount * bp) / 10000
    would round per theme and drift. It reads two value rows per award or payment in scope (no objects)."""
    themes = list(themes if themes is not None else Theme.objects.all())
    committed = dict.fromkeys(THEME_SLUGS, 0)
    paid = dict.fromkeys(THEME_SLUGS, 0)
    committed_total = paid_total = 0
    for amount, *bps in _started_in_year(awards_for(filters), filters).values_list("amount", *BP_FIELDS):
        pence = to_pence(amount)
        committed_total += pence
        for slug, part in zip(THEME_SLUGS, apportion_pence(pence, bps)):
            committed[slug] += part
    for _, amount, *bps in paid_rows if paid_rows is not None else _paid_rows(filters):
        pence = to_pence(amount)
        paid_total += pence
        for slug, part in zip(THEME_SLUGS, apportion_pence(pence, bps)):
            paid[slug] += part
    rows = [
        ThemeSpend(
            theme=theme,
            committed=from_pence(committed[theme.slug]),
            paid=from_pence(paid[theme.slug]),
            committed_share=_share(committed[theme.slug], committed_total),
            paid_share=_share(paid[theme.slug], paid_total),
        )
        for theme in themes
        if theme.slug in committed
    ]
    return rows, from_pence(committed_total), from_pence(paid_total)


def paid_by_quarter(filters: Filters, paid_rows=None):
    """[(FinancialQuarter, {theme slug: Decimal})] in date order, for quarters with payments."""
    by_quarter = defaultdict(lambda: dict.fromkeys(THEME_SLUGS, 0))
    for paid_on, amount, *bps in paid_rows if paid_rows is not None else _paid_rows(filters):
        bucket = by_quarter[quarter_of(paid_on)]
        for slug, part in zip(THEME_SLUGS, apportion_pence(to_pence(amount), bps)):
            bucket[slug] += part
    if filters.financial_year is not None:
        for q in range(1, 5):
            by_quarter[FinancialQuarter(filters.financial_year, q)]  # every quarter of the year, even if empty
    return [
        (quarter, {slug: from_pence(pence) for slug, pence in parts.items()})
        for quarter, parts in sorted(by_quarter.items())
    ]


@dataclass
class Headline:
    budget: Decimal
    committed: Decimal
    paid: Decimal
    remaining: Decimal
    still_to_pay: Decimal
    active_projects: int
    returns_submitted: int
    returns_on_time: int
    overdue_returns: int

    @property
    def on_time_percent(self):
        if not self.returns_submitted:
            return None
        return (Decimal(self.returns_on_time) * 100 / self.returns_submitted).quantize(Decimal("0.1"))


def _calls_budget(filters):
    calls = Call.objects.all()
    if filters.call_id:
        calls = calls.filter(pk=filters.call_id)
    if filters.theme:
        calls = calls.filter(themes__slug=filters.theme)
    if filters.bounds:
        start, end = filters.bounds
        calls = calls.filter(opens_at__date__range=(start, end))
    # Budgets are summed as integer pence in Python: few rows, and exact on SQLite.
    # (pk, budget) pairs: distinct per call, so two calls with the same budget both count.
    return from_pence(sum(to_pence(budget) for _, budget in calls.values_list("pk", "total_budget").distinct()))


def _returns_for(filters):
    returns = QuarterlyReturn.objects.filter(award__in=awards_for(filters))
    if filters.bounds:
        returns = returns.filter(due_date__range=filters.bounds)
    return returns


def headline(filters: Filters, *, committed=None, paid=None, today=None) -> Headline:
    today = today or timezone.localdate()
    if committed is None or paid is None:
        _, committed, paid = theme_spend(filters, themes=[])
    budget = _calls_budget(filters)
    counts = _returns_for(filters).aggregate(
        submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
        on_time=Count("pk", filter=Q(submitted_at__isnull=False, submitted_at__date__lte=F("due_date"))),
        overdue=Count("pk", filter=Q(due_date__lt=today, status__in=OPEN_RETURN_STATUSES)),
    )
    active = _overlapping_year(awards_for(filters), filters).filter(status=AwardStatus.ACTIVE).count()
    return Headline(
        budget=budget,
        committed=committed,
        paid=paid,
        remaining=budget - committed,
        still_to_pay=committed - paid,
        active_projects=active,
        returns_submitted=counts["submitted"],
        returns_on_time=counts["on_time"],
        overdue_returns=counts["overdue"],
    )


def overdue_returns(filters: Filters, today=None):
    today = today or timezone.localdate()
    return (
        _returns_for(filters)
        .filter(due_date__lt=today, status__in=OPEN_RETURN_STATUSES)
        .select_related("award__organisation")
        .order_by("due_date", "award__reference")
    )


# -------------------------------------------------------------------------------------------- outcomes


def ytd_quarters_filter(filters: Filters, today=None, prefix=""):
    """A Q() selecting (financial_year, quarter) pairs that have ended by today in the chosen year(s)."""
    today = today or timezone.localdate()
    current = quarter_of(today)
    ended_in_current = current.quarter - 1
    fy, q = f"{prefix}financial_year", f"{prefix}quarter"
    if filters.financial_year is None:
        return Q(**{f"{fy}__lt": current.financial_year}) | Q(
            **{fy: current.financial_year, f"{q}__lte": ended_in_current}
        )
    if filters.financial_year < current.financial_year:
        return Q(**{fy: filters.financial_year})
    if filters.financial_year == current.financial_year:
        return Q(**{fy: filters.financial_year, f"{q}__lte": ended_in_current})
    return Q(pk__in=[])


@dataclass
class ProjectOutcome:
    award_id: int
    reference: str
    organisation: str
    target: Decimal | None
    actual: Decimal | None
    period: str = ""
    rag: str | None = None
    percent: Decimal | None = None


@dataclass
class IndicatorOutcome:
    indicator: Indicator
    summable: bool
    target: Decimal | None = None
    actual: Decimal | None = None
    rag: str | None = None
    percent: Decimal | None = None
    projects: list = field(default_factory=list)

    @property
    def rag_counts(self):
        """[(label, number of projects)] by RAG: how a per-project indicator stands without averaging it."""
        counts = {"green": 0, "amber": 0, "red": 0, None: 0}
        for project in self.projects:
            counts[project.rag] += 1
        return [
            ("Green", counts["green"]),
            ("Amber", counts["amber"]),
            ("Red", counts["red"]),
            ("No target", counts[None]),
        ]


@dataclass
class ThemeOutcomes:
    theme: Theme | None
    indicators: list = field(default_factory=list)

    @property
    def name(self):
        return self.theme.name if self.theme else "All themes"


def _value_maps(filters: Filters, awards, today=None, with_unit=False):
    """({(indicator, award): {(fy, q): target}}, {(indicator, award): {(fy, q): actual}}[, {indicator: unit}])
    for quarters ended to date, from two value-row queries (no objects). ``awards``: a queryset of awards."""
    ytd = ytd_quarters_filter(filters, today)
    extra = ("indicator__unit",) if with_unit else ()
    targets = (
        IndicatorTarget.objects.filter(ytd, award__in=awards)
        .values_list("indicator_id", "award_id", "financial_year", "quarter", "target", *extra)
        .order_by()
    )
    results = (
        IndicatorResult.objects.filter(
            ytd_quarters_filter(filters, today, prefix="quarterly_return__"),
            quarterly_return__award__in=awards,
            quarterly_return__status__in=COUNTED_RETURN_STATUSES,
        )
        .values_list(
            "indicator_id",
            "quarterly_return__award_id",
            "quarterly_return__financial_year",
            "quarterly_return__quarter",
            "actual",
            *extra,
        )
        .order_by()
    )
    cent = Decimal("0.01")
    units = {}
    # (indicator, award) -> {(fy, q): value}
    target_map = defaultdict(dict)
    actual_map = defaultdict(dict)
    for row_map, rows in ((target_map, targets), (actual_map, results)):
        for indicator_id, award_id, fy, q, value, *unit in rows:
            row_map[(indicator_id, award_id)][(fy, q)] = Decimal(value).quantize(cent)
            if unit:
                units[indicator_id] = unit[0]
    if with_unit:
        return target_map, actual_map, units
    return target_map, actual_map


def _project_figures(unit, quarter_targets, quarter_actuals):
    """(target, actual, latest (fy, q) or None, rag, percent) of one indicator for one project: summable units
    summed over the year to date, others as at the latest reported quarter."""
    if unit in SUMMABLE_UNITS:
        target = sum(quarter_targets.values(), Decimal("0.00")) if quarter_targets else None
        actual = sum(quarter_actuals.values(), Decimal("0.00")) if quarter_actuals else Decimal("0.00")
        latest = None
    else:
        latest = max(quarter_actuals) if quarter_actuals else (max(quarter_targets) if quarter_targets else None)
        target = quarter_targets.get(latest)
        actual = quarter_actuals.get(latest)
    rag, percent = rag_for(actual, target, lower_is_better=unit in LOWER_IS_BETTER_UNITS)
    return target, actual, latest, rag, percent


def worst_rags(filters: Filters, awards, today=None):
    """{award_id: worst RAG across its indicators} for the given awards queryset: the same figure as
    ``outcomes(...)[1]`` (an award's RAG depends only on its own targets and results), without building the
    per-project rows or reading indicator and award details."""
    target_map, actual_map, units = _value_maps(filters, awards, today, with_unit=True)
    worst = {}
    empty = {}
    for indicator_id, award_id in set(target_map) | set(actual_map):
        rag = _project_figures(
            units[indicator_id],
            target_map.get((indicator_id, award_id), empty),
            actual_map.get((indicator_id, award_id), empty),
        )[3]
        if rag and (award_id not in worst or RAG_ORDER[rag] < RAG_ORDER[worst[award_id]]):
            worst[award_id] = rag
    return worst


def outcomes(filters: Filters, today=None, themes=None):
    """Per theme, each indicator with targets this year to date, and per-project figures.
    Returns (list of ThemeOutcomes, {award_id: worst RAG}). ``themes``: the themes, if already read."""
    target_map, actual_map = _value_maps(filters, awards_for(filters), today)
    pairs = set(target_map) | set(actual_map)
    indicator_ids = {i for i, _ in pairs}
    award_ids = {a for _, a in pairs}
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in=indicator_ids).select_related("theme")}
    award_info = {
        a["pk"]: a for a in Award.objects.filter(pk__in=award_ids).values("pk", "reference", "organisation__name")
    }
    by_indicator = defaultdict(list)
    worst = {}
    for indicator_id, award_id in sorted(pairs, key=lambda p: award_info[p[1]]["reference"]):
        indicator = indicators[indicator_id]
        target, actual, latest, rag, percent = _project_figures(
            indicator.unit,
            target_map.get((indicator_id, award_id), {}),
            actual_map.get((indicator_id, award_id), {}),
        )
        if indicator.unit in SUMMABLE_UNITS:
            period = "Year to date"
        else:
            period = FinancialQuarter(*latest).label if latest else ""
        info = award_info[award_id]
        by_indicator[indicator_id].append(
            ProjectOutcome(
                award_id, info["reference"], info["organisation__name"], target, actual, period, rag, percent
            )
        )
        if rag and (award_id not in worst or RAG_ORDER[rag] < RAG_ORDER[worst[award_id]]):
            worst[award_id] = rag

    themes = {t.pk: ThemeOutcomes(theme=t) for t in (themes if themes is not None else Theme.objects.all())}
    general = ThemeOutcomes(theme=None)
    ordered = sorted(indicators.values(), key=lambda i: (i.display_order, i.name))
    for indicator in ordered:
        projects = by_indicator[indicator.pk]
        row = IndicatorOutcome(indicator=indicator, summable=indicator.unit in SUMMABLE_UNITS, projects=projects)
        if row.summable:
            with_targets = [p.target for p in projects if p.target is not None]
            row.target = sum(with_targets, Decimal("0.00")) if with_targets else None
            row.actual = sum((p.actual or Decimal("0.00") for p in projects), Decimal("0.00"))
            row.rag, row.percent = rag_for(row.actual, row.target)
        if filters.theme and indicator.theme and indicator.theme.slug != filters.theme:
            continue
        (themes[indicator.theme_id] if indicator.theme_id else general).indicators.append(row)
    grouped = [t for t in themes.values() if t.indicators]
    if general.indicators:
        grouped.append(general)
    return grouped, worst


# ------------------------------------------------------------------------------------------ drill-down


@dataclass
class ProjectRow:
    award: Award
    allocation_bp: int
    allocation: Decimal
    paid: Decimal
    rag: str | None
    last_return: QuarterlyReturn | None


def theme_projects(filters: Filters, theme_slug: str, today=None):
    """Projects funded under a theme in the year (awards whose period overlaps it, allocation > 0), with the
    theme's share of each award, the theme's share of payments made in the year, RAG and last return."""
    field_name = ALLOCATION_FIELDS[theme_slug]
    index = THEME_SLUGS.index(theme_slug)
    in_scope = _overlapping_year(awards_for(filters), filters).filter(**{f"{field_name}__gt": 0})
    # Only the columns the drill-down shows: award rows with every call and organisation column were the
    # bulk of this page's database time.
    awards = list(
        in_scope.select_related("organisation")
        .only("reference", "title", "amount", *BP_FIELDS, "organisation__name")
        .order_by("organisation__name", "reference")
    )
    ids = [a.pk for a in awards]
    paid = defaultdict(int)
    payments = (
        _paid_payments(filters)
        .filter(award_id__in=ids)
        .values_list("award_id", "amount", *[f"award__{n}" for n in BP_FIELDS])
    )
    for award_id, amount, *bps in payments:
        paid[award_id] += apportion_pence(to_pence(amount), bps)[index]
    # Only each award's latest submitted return is read (not all of them): a correlated subquery picks it.
    submitted = QuarterlyReturn.objects.filter(submitted_at__isnull=False)
    latest = submitted.filter(award_id=OuterRef("award_id")).order_by("-financial_year", "-quarter").values("pk")[:1]
    last_returns = {r.award_id: r for r in submitted.filter(award_id__in=ids, pk=Subquery(latest))}
    # RAG for these awards only; the per-project outcome rows the dashboard builds are not needed here.
    worst = worst_rags(filters, in_scope.values("pk"), today)
    rows = []
    for award in awards:
        bps = [getattr(award, n) for n in BP_FIELDS]
        rows.append(
            ProjectRow(
                award=award,
                allocation_bp=getattr(award, field_name),
                allocation=from_pence(apportion_pence(to_pence(award.amount), bps)[index]),
                paid=from_pence(paid[award.pk]),
                rag=worst.get(award.pk),
                last_return=last_returns.get(award.pk),
            )
        )
    return rows


@dataclass
class ProjectDetail:
    award: Award
    quarters: list  # [FinancialQuarter]
    indicators: list  # [(Indicator, {quarter: (target, actual, rag)})]
    payments: list
    returns: list
    paid: Decimal


def project_detail(award: Award) -> ProjectDetail:
    targets = IndicatorTarget.objects.filter(award=award).select_related("indicator")
    results = IndicatorResult.objects.filter(
        quarterly_return__award=award, quarterly_return__status__in=COUNTED_RETURN_STATUSES
    ).select_related("indicator", "quarterly_return")
    cells = defaultdict(dict)
    indicators = {}
    quarters = set()
    for t in targets:
        key = FinancialQuarter(t.financial_year, t.quarter)
        quarters.add(key)
        indicators[t.indicator_id] = t.indicator
        cells[t.indicator_id].setdefault(key, [None, None])[0] = t.target
    for r in results:
        key = FinancialQuarter(r.quarterly_return.financial_year, r.quarterly_return.quarter)
        quarters.add(key)
        indicators[r.indicator_id] = r.indicator
        cells[r.indicator_id].setdefault(key, [None, None])[1] = r.actual
    rows = []
    for indicator in sorted(indicators.values(), key=lambda i: (i.display_order, i.name)):
        lower = indicator.unit in LOWER_IS_BETTER_UNITS
        by_quarter = {}
        for key, (target, actual) in cells[indicator.pk].items():
            rag, percent = rag_for(actual, target, lower_is_better=lower)
            by_quarter[key] = {"target": target, "actual": actual, "rag": rag, "percent": percent}
        rows.append((indicator, by_quarter))
    payments = list(award.payments.order_by("sequence"))
    returns = list(award.returns.order_by("financial_year", "quarter"))
    paid = from_pence(sum(to_pence(p.amount) for p in payments if p.status == PaymentStatus.PAID))
    return ProjectDetail(
        award=award, quarters=sorted(quarters), indicators=rows, payments=payments, returns=returns, paid=paid
    )


def project_list(filters: Filters):
    """Every award in the year (overlapping), for the board pack's project list, with paid to date (all years)."""
    awards = (
        _overlapping_year(awards_for(filters), filters)
        .select_related("organisation", "call")
        .annotate(last_due=Max("returns__due_date"))
        .order_by("reference")
    )
    paid_amounts = defaultdict(int)
    for award_id, amount in Payment.objects.filter(
        award__in=awards_for(filters), status=PaymentStatus.PAID
    ).values_list("award_id", "amount"):
        paid_amounts[award_id] += to_pence(amount)
    return [(award, from_pence(paid_amounts[award.pk])) for award in awards]


def financial_years_available():
    """Financial years that have awards, calls or payments, plus the current one, newest first."""
    years = {current_financial_year()}
    # Distinct start months, not dates: at most twelve rows a year, however many awards there are.
    for start in Award.objects.dates("start_date", "month"):
        years.add(start.year if start.month >= 4 else start.year - 1)
    return sorted(years, reverse=True)


def dashboard(filters: Filters, today=None, themes=None):
    """Everything the dashboard shows, in a fixed number of queries."""
    themes = list(themes if themes is not None else Theme.objects.all())
    paid_rows = _paid_rows(filters)
    spend, committed, paid = theme_spend(filters, themes, paid_rows=paid_rows)
    return {
        "filters": filters,
        "headline": headline(filters, committed=committed, paid=paid, today=today),
        "theme_spend": spend,
        "paid_by_quarter": paid_by_quarter(filters, paid_rows=paid_rows),
        "outcomes": outcomes(filters, today, themes=themes)[0],
        "themes": themes,
        "committed_total": committed,
        "paid_total": paid,
    }
