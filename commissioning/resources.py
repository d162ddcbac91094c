"""django-import-export resource for exporting a call's applications with scores and decisions: one row
per application, the provider's answers flattened to one column per question. Every cell goes through
``safe_cell`` so that text a provider typed can never run as a spreadsheet formula."""

from django.db.models import Prefetch
from import_export import resources
from import_export.fields import Field

from .models import Application, Assessment, AssessmentStatus, Partner
from .models import ApplicationStatus as S
from .selectors import moderation_panel, requested_total_subquery
from .spreadsheets import safe_cell


def _money(value):
    return None if value in (None, "") else f"{value:.2f}"


def _iso(value):
    return value.isoformat() if value else None


class ApplicationExportResource(resources.Resource):
    """Columns are built per call (its questions and criteria), so the resource takes the call."""

    def __init__(self, *, call, **kwargs):
        super().__init__(**kwargs)
        self.call = call
        self.questions = list(call.questions.all())
        self.criteria = list(call.criteria.all())
        _criteria, panel = moderation_panel(call)
        self.panel = {item.application.pk: item for item in panel}
        partner_labels = dict(Partner.choices)
        columns = [
            ("reference", "Reference", lambda a: a.reference),
            ("organisation", "Organisation", lambda a: a.organisation.name),
            ("status", "Status", lambda a: a.get_status_display()),
            ("submitted_at", "Submitted", lambda a: _iso(a.submitted_at)),
            ("project_title", "Project title", lambda a: a.project_title),
            ("summary", "Summary", lambda a: a.summary),
            ("themes", "Themes", lambda a: "; ".join(t.name for t in a.themes.all())),
            ("themes_how", "How the project addresses the themes", lambda a: a.themes_how),
            ("need_and_evidence", "Need and evidence", lambda a: a.need_and_evidence),
            ("delivery_plan", "Delivery plan", lambda a: a.delivery_plan),
            ("beneficiaries", "Who benefits", lambda a: a.beneficiaries),
            ("beneficiary_count", "How many will benefit", lambda a: a.beneficiary_count),
            ("partners", "Partners", lambda a: "; ".join(partner_labels.get(p, p) for p in a.partners or [])),
            ("other_partners", "Other partners", lambda a: a.other_partners),
            ("safeguarding_approach", "Safeguarding approach", lambda a: a.safeguarding_approach),
            ("requested", "Amount requested (£)", lambda a: _money(a.requested)),
        ]
        for question in self.questions:
            columns.append((f"q_{question.pk}", f"Q: {question.text}", self._answer_getter(question.pk)))
        for criterion in self.criteria:
            columns.append((f"c_{criterion.pk}", f"Moderated: {criterion.name}", self._moderated_getter(criterion.pk)))
        columns += [
            ("assessor_totals", "Assessor weighted totals", self._assessor_totals),
            ("mean", "Mean weighted total", lambda a: _money(self._panel(a, "mean"))),
            ("moderated_total", "Moderated total", lambda a: _money(self._panel(a, "moderated_total"))),
            ("divergent", "Assessors differ by 2+", lambda a: "Yes" if self._panel(a, "divergent") else ""),
            ("below_minimum", "Below minimum score", lambda a: "Yes" if self._panel(a, "below_minimum") else ""),
            ("decision", "Decision", lambda a: self._decision(a, "get_outcome_display")),
            ("approved_amount", "Approved amount (£)", lambda a: _money(self._decision(a, "approved_amount"))),
            ("reduction_reason", "Reduction reason", lambda a: self._decision(a, "reduction_reason")),
            ("feedback", "Feedback", lambda a: self._decision(a, "feedback")),
            ("released_at", "Decision released", lambda a: _iso(self._decision(a, "released_at"))),
            ("ineligible_reason", "Ineligible reason", lambda a: a.ineligible_reason),
        ]
        self.fields = {name: Field(column_name=label, dehydrate_method=getter) for name, label, getter in columns}

    def export_field(self, field, instance, **kwargs):
        return safe_cell(super().export_field(field, instance, **kwargs))

    def get_queryset(self):
        return (
            Application.objects.filter(call=self.call)
            .exclude(status=S.DRAFT)
            .select_related("organisation", "decision")
            .annotate(requested=requested_total_subquery())
            .prefetch_related(
                "themes",
                "answers",
                "moderated_scores",
                Prefetch(
                    "assessments",
                    queryset=Assessment.objects.filter(status=AssessmentStatus.SUBMITTED)
                    .select_related("assessor")
                    .order_by("assessor__email"),
                    to_attr="submitted_assessments",
                ),
            )
            .order_by("reference", "pk")
        )

    @staticmethod
    def _answer_getter(question_pk):
        def getter(application):
            for answer in application.answers.all():
                if answer.question_id == question_pk:
                    return answer.text
            return ""

        return getter

    @staticmethod
    def _moderated_getter(criterion_pk):
        def getter(application):
            for moderated in application.moderated_scores.all():
                if moderated.criterion_id == criterion_pk:
                    return moderated.score
            return None

        return getter

    @staticmethod
    def _assessor_totals(application):
        return "; ".join(
            f"{a.assessor.get_full_name() or a.assessor.email}: {a.weighted_total}"
            for a in application.submitted_assessments
        )

    def _panel(self, application, attribute):
        item = self.panel.get(application.pk)
        return getattr(item, attribute) if item else None

    @staticmethod
    def _decision(application, attribute):
        decision = getattr(application, "decision", None)
        if decision is None:
            return ""
        value = getattr(decision, attribute)
        return value() if callable(value) else value
