"""Read queries for the staff assessment screens: application lists with their totals, the moderation
panel and the ranking with its funding line. Each runs a fixed number of queries whatever the data size."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import (
    Application,
    Assessment,
    AssessmentStatus,
    BudgetLine,
    ModeratedScore,
    Score,
)
from .models import (
    ApplicationStatus as S,
)
from .permissions import can
from .roles import Action

MONEY_FIELD = DecimalField(max_digits=12, decimal_places=2)
# Score bands on the mean weighted total (0–100): (code, label, lower bound inclusive, upper bound exclusive).
SCORE_BANDS = [
    ("80", "80 to 100", Decimal("80"), None),
    ("60", "60 to 79.99", Decimal("60"), Decimal("80")),
    ("40", "40 to 59.99", Decimal("40"), Decimal("60")),
    ("0", "Below 40", Decimal("0"), Decimal("40")),
    ("none", "Not yet scored", None, None),
]
# Statuses that have been through assessment, shown on the moderation panel.
PANEL_STATUSES = [S.UNDER_ASSESSMENT, S.SCORED, S.MODERATED, S.APPROVED, S.REJECTED, S.RESERVE]
RANKED_STATUSES = [S.SCORED, S.MODERATED, S.APPROVED, S.REJECTED, S.RESERVE]


def requested_total_subquery():
    lines = (
        BudgetLine.objects.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(lines, output_field=MONEY_FIELD), Value(Decimal("0.00")), output_field=MONEY_FIELD)


def _mean_subquery():
    submitted = (
        Assessment.objects.filter(application=OuterRef("pk"), status=AssessmentStatus.SUBMITTED)
        .order_by()
        .values("application")
        .annotate(mean=Avg("weighted_total"))
        .values("mean")
    )
    return Subquery(submitted, output_field=DecimalField(max_digits=5, decimal_places=2))


def _active_count_subquery():
    active = (
        Assessment.objects.filter(application=OuterRef("pk"))
        .exclude(status=AssessmentStatus.CONFLICTED)
        .order_by()
        .values("application")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(active), Value(0))


def visible_applications(user, call=None):
    """Submitted applications ``user`` may read: all for commissioners and administrators; for assessors
    only those assigned to them without a declared conflict; none for anyone else (the executive)."""
    queryset = Application.objects.exclude(status=S.DRAFT)
    if call is not None:
        queryset = queryset.filter(call=call)
    if can(user, Action.VIEW_ALL_APPLICATIONS):
        return queryset
    if can(user, Action.SCORE_APPLICATION):
        mine = Assessment.objects.filter(assessor=user).exclude(status=AssessmentStatus.CONFLICTED)
        return queryset.filter(pk__in=mine.values("application"))
    return queryset.none()


def application_list(user, call, *, status="", theme="", assessor="", band="", search=""):
    """The applications list for one call, filtered, with requested total, mean score and the number of
    assessors without a conflict annotated."""
    queryset = (
        visible_applications(user, call)
        .select_related("organisation", "call", "decision")
        .prefetch_related(
            "themes",
            Prefetch("assessments", queryset=Assessment.objects.select_related("assessor").order_by("assessor__email")),
        )
        .annotate(
            requested=requested_total_subquery(),
            mean_total=_mean_subquery(),
            active_assessors=_active_count_subquery(),
        )
        .order_by("reference", "pk")
    )
    if status:
        queryset = queryset.filter(status=status)
    if theme:
        queryset = queryset.filter(themes__pk=theme)
    if assessor:
        queryset = queryset.filter(pk__in=Assessment.objects.filter(assessor_id=assessor).values("application"))
    if search:
        queryset = queryset.filter(Q(organisation__name__icontains=search) | Q(reference__icontains=search))
    for code, _label, low, high in SCORE_BANDS:
        if band != code:
            continue
        if low is None:
            queryset = queryset.filter(mean_total__isnull=True)
        else:
            queryset = queryset.filter(mean_total__gte=low)
            if high is not None:
                queryset = queryset.filter(mean_total__lt=high)
    return queryset.distinct()


def application_detail(application_pk, user):
    """One application with everything a reader needs, or raise DoesNotExist when ``user`` may not see it."""
    return (
        visible_applications(user)
        .select_related("organisation", "call", "created_by", "submitted_by", "decision")
        .prefetch_related(
            "themes",
            "budget_lines",
            "attachments",
            "eligibility_checks__checked_by",
            "proposed_outcomes__indicator",
            "proposed_outcomes__custom_theme",
            "proposed_outcomes__targets",
            "answers__question",
            "moderated_scores__criterion",
            "call__criteria",
            "call__questions",
            Prefetch(
                "assessments",
                queryset=Assessment.objects.select_related("assessor").prefetch_related("scores__criterion"),
            ),
        )
        .get(pk=application_pk)
    )


@dataclass
class PanelRow:
    criterion: object
    scores: list  # per assessor column: int or None
    moderated: object = None
    divergent: bool = False
    below_minimum: bool = False


@dataclass
class PanelApplication:
    application: object
    assessments: list
    rows: list = field(default_factory=list)
    mean: Decimal | None = None
    moderated_total: Decimal | None = None
    divergent: bool = False
    below_minimum: bool = False

    @property
    def ranking_total(self):
        return self.moderated_total if self.moderated_total is not None else self.mean


def moderation_panel(call):
    """Every assessed application on ``call`` with scores side by side per criterion and assessor, each
    assessor's weighted total, the mean, the moderated total, and flags where assessors differ by 2 or
    more on a criterion or any score is below the call's minimum."""
    from .services.assessment import weighted_total

    criteria = list(call.criteria.all())
    applications = (
        Application.objects.filter(call=call, status__in=PANEL_STATUSES)
        .select_related("organisation", "decision")
        .annotate(requested=requested_total_subquery())
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=Assessment.objects.active()
                .select_related("assessor")
                .prefetch_related(Prefetch("scores", queryset=Score.objects.all()))
                .order_by("assessor__email"),
            ),
            Prefetch("moderated_scores", queryset=ModeratedScore.objects.all()),
        )
        .order_by("reference", "pk")
    )
    panel = []
    minimum = call.min_criterion_score
    for application in applications:
        assessments = list(application.assessments.all())
        submitted = [a for a in assessments if a.status == AssessmentStatus.SUBMITTED]
        moderated = {m.criterion_id: m for m in application.moderated_scores.all()}
        item = PanelApplication(application=application, assessments=assessments)
        scores_by_assessment = {a.pk: {s.criterion_id: s.score for s in a.scores.all()} for a in submitted}
        for criterion in criteria:
            values = [
                scores_by_assessment[a.pk].get(criterion.pk) if a.pk in scores_by_assessment else None
                for a in assessments
            ]
            present = [v for v in values if v is not None]
            row = PanelRow(criterion=criterion, scores=values, moderated=moderated.get(criterion.pk))
            row.divergent = len(present) > 1 and max(present) - min(present) >= 2
            row.below_minimum = minimum > 0 and any(v < minimum for v in present)
            item.rows.append(row)
        item.divergent = any(row.divergent for row in item.rows)
        item.below_minimum = any(row.below_minimum for row in item.rows)
        if submitted:
            item.mean = (sum(a.weighted_total for a in submitted) / len(submitted)).quantize(Decimal("0.01"))
        if criteria and len(moderated) == len(criteria):
            item.moderated_total = weighted_total({k: m.score for k, m in moderated.items()}, criteria)
        panel.append(item)
    return criteria, panel


@dataclass
class RankingRow:
    rank: int
    item: PanelApplication
    cumulative: Decimal
    within_budget: bool


def ranking(call, panel=None):
    """Scored applications ranked by moderated total (or the mean when not yet moderated), with the
    cumulative amount requested and whether each falls within the call's total budget."""
    if panel is None:
        _criteria, panel = moderation_panel(call)
    ranked = sorted(
        (item for item in panel if item.application.status in RANKED_STATUSES and item.ranking_total is not None),
        key=lambda item: (-item.ranking_total, item.application.reference or ""),
    )
    rows, cumulative = [], Decimal("0.00")
    for position, item in enumerate(ranked, start=1):
        cumulative += item.application.requested
        rows.append(
            RankingRow(rank=position, item=item, cumulative=cumulative, within_budget=cumulative <= call.total_budget)
        )
    return rows
