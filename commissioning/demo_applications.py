"""Demo data for the provider portal: demo providers have confirmed email addresses, and
provider@example.org's organisation has a part-filled draft on the open call BCSP-2026-02, so a person
can sign in and carry on an application. Idempotent: an existing draft is left as it is."""

from decimal import Decimal

from django.utils import timezone

from .models import Application, Call, Membership, MembershipStatus, User
from .services import applications as service

DEMO_CALL = "BCSP-2026-02"
DEMO_PROVIDER = "provider@example.org"


def seed_portal_applications(now=None):
    now = now or timezone.now()
    User.objects.filter(email__endswith="@example.org", email_confirmed_at__isnull=True).update(email_confirmed_at=now)
    call = Call.objects.filter(reference=DEMO_CALL).first()
    user = User.objects.filter(email=DEMO_PROVIDER).first()
    if call is None or user is None or not call.is_open:
        return None
    membership = (
        Membership.objects.filter(user=user, status=MembershipStatus.APPROVED).select_related("organisation").first()
    )
    if membership is None:
        return None
    organisation = membership.organisation
    existing = Application.objects.filter(call=call, organisation=organisation).first()
    if existing is not None:
        return existing
    application = service.start_application(actor=user, call=call, organisation=organisation)
    service.save_fields(
        actor=user,
        application=application,
        values={
            "project_title": "Safe Nights Bexleyheath",
            "summary": "Training bar, door and taxi-rank staff in Bexleyheath and Sidcup to spot and stop harassment, "
            "with a late-night safe space run with trained volunteers.",
            "need_and_evidence": (
                "Local surveys show many women avoid the town centres after dark because of harassment."
            ),
            "partners": ["bvsc", "mps_jet"],
            "themes": list(call.themes.all()[:1]),
        },
    )
    service.save_budget_line(
        actor=user,
        application=application,
        category="staff",
        description="Project coordinator (0.4 FTE)",
        financial_year=service.project_years(call)[0],
        amount=Decimal("9500.00"),
    )
    return application
