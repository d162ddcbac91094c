"""Work queues: panels on the Wagtail admin home (per role) and on the provider portal dashboard.
Each is a fixed number of aggregate queries whatever the data size."""

from django.db.models import Count, Q
from django.urls import reverse
from wagtail.admin.ui.components import Component

from commissioning.models import Application, ApplicationStatus, Assessment, AssessmentStatus

from . import selectors


class CommissionerQueuePanel(Component):
    name = "outcomes_commissioner_queue"
    order = 10
    template_name = "outcomes/panels/commissioner_queue.html"

    def get_context_data(self, parent_context=None):
        counts = Application.objects.aggregate(
            submitted=Count("pk", filter=Q(status=ApplicationStatus.SUBMITTED)),
            scored=Count("pk", filter=Q(status=ApplicationStatus.SCORED)),
            moderated=Count("pk", filter=Q(status=ApplicationStatus.MODERATED)),
        )
        queues = selectors.commissioner_queue_counts()
        calls = reverse("assessment_admin:index")  # calls with their undecided applications
        awards = reverse("outcomes_admin:awards")
        returns = reverse("outcomes_admin:returns")
        payments = reverse("outcomes_admin:payments")
        from .admin_views.views import applications_ready_to_award

        items = [
            ("Applications waiting for an eligibility check", counts["submitted"], calls),
            ("Applications waiting for moderation", counts["scored"], calls),
            ("Applications waiting for a decision", counts["moderated"], calls),
            ("Approved applications waiting for an award", applications_ready_to_award().count(), awards),
            ("Awards waiting for the provider's acceptance", queues["offered"], f"{awards}?status=offered"),
            ("Returns waiting for review", queues["to_review"], returns),
            ("Overdue returns", queues["overdue"], f"{returns}#overdue"),
            ("Payments to approve (advance instalments)", queues["to_approve"], payments),
            ("Payments to record as paid", queues["to_record"], payments),
            ("Payments on hold", queues["held"], f"{payments}#held"),
        ]
        return {"items": items}


class AssessorQueuePanel(Component):
    name = "outcomes_assessor_queue"
    order = 20
    template_name = "outcomes/panels/assessor_queue.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        assessments = (
            Assessment.objects.filter(
                assessor=self.user,
                status__in=[AssessmentStatus.ASSIGNED, AssessmentStatus.NO_CONFLICT],
                application__status=ApplicationStatus.UNDER_ASSESSMENT,
            )
            .select_related("application", "application__call")
            .order_by("application__call__closes_at", "application__reference")
        )
        declare = [a for a in assessments if a.status == AssessmentStatus.ASSIGNED]
        score = [a for a in assessments if a.status == AssessmentStatus.NO_CONFLICT]
        return {"declare": declare, "score": score}


def provider_dashboard_panel(request, organisations):
    """Portal dashboard panel: the organisation's grants, next return due, returns needing changes and
    payments made."""
    organisation_ids = [getattr(organisation, "pk", organisation) for organisation in organisations]
    if not organisation_ids:
        return None
    summary = selectors.provider_dashboard_summary(organisation_ids)
    if not any(summary["counts"].values()):
        return None
    return "outcomes/panels/provider_dashboard.html", summary
