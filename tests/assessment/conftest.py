import itertools
from decimal import Decimal

import pytest

from commissioning.models import Answer, ApplicationStatus, AssessmentStatus
from commissioning.roles import Role
from commissioning.services import assessment as services
from tests import factories

_refs = itertools.count(1)


def submitted_application(
    call, organisation=None, *, amounts=("10000.00", "5000.00"), answer="Because we know Bexley."
):
    """A submitted application with budget lines and an answer, made directly (the portal builds real ones)."""
    application = factories.ApplicationFactory(
        call=call,
        organisation=organisation or factories.OrganisationFactory(),
        status=ApplicationStatus.SUBMITTED,
        reference=f"{call.reference}-{next(_refs):03d}",
        need_and_evidence="High demand for outreach.",
        partners=["bvsc"],
    )
    application.themes.set(call.themes.all()[:1])
    for amount in amounts:
        factories.BudgetLineFactory(application=application, amount=Decimal(amount))
    for question in call.questions.all():
        Answer.objects.create(application=application, question=question, text=answer)
    return application


def assessors(n):
    return [factories.staff_user(Role.ASSESSOR) for _ in range(n)]


def score_all(application, assessor, values, comment="Clear evidence."):
    """Declare no conflict and submit ``values`` (one per criterion, in order) as ``assessor``."""
    assessment = application.assessments.get(assessor=assessor)
    if assessment.status == AssessmentStatus.ASSIGNED:
        services.declare_conflict(assessment=assessment, actor=assessor, conflicted=False)
    criteria = list(application.call.criteria.all())
    services.save_scores(
        assessment=assessment,
        actor=assessor,
        submit=True,
        scores={c.pk: (str(v), comment) for c, v in zip(criteria, values, strict=True)},
    )
    return assessment


def scored_application(call, commissioner, values=((4, 3), (3, 3)), **kwargs):
    application = submitted_application(call, **kwargs)
    people = assessors(len(values))
    services.assign_assessors(application=application, assessors=people, actor=commissioner)
    for person, scores in zip(people, values, strict=True):
        score_all(application, person, scores)
    application.refresh_from_db()
    return application, people


def moderate_all(application, commissioner, score=4):
    criteria = application.call.criteria.all()
    services.moderate(
        application=application, actor=commissioner, scores={c.pk: (str(score), "Panel agreed.") for c in criteria}
    )
    application.refresh_from_db()
    return application


@pytest.fixture
def closed_call(db):
    return factories.CallFactory(total_budget=Decimal("40000.00"), max_grant=Decimal("30000.00"))
