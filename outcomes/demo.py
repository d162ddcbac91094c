"""Demo awards for `seed_demo`: five grants on the closed call BCSP-2025-01 in several states, with
returns approved (and paid), submitted, overdue and in draft, and indicators on, near and well below
target. Everything goes through the services, so the audit trail is real. Idempotent: an award that
already exists is left alone. Fictional throughout."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from commissioning.fiscal import FinancialQuarter
from commissioning.models import (
    Application,
    ApplicationStatus,
    BudgetLine,
    Call,
    Decision,
    DecisionOutcome,
    Indicator,
    IndicatorUnit,
    Membership,
    MembershipRole,
    Organisation,
    ProposedOutcome,
    ProposedTarget,
    Theme,
    User,
)

from .models import Award
from .services import awards as award_services
from .services import payments as payment_services
from .services import returns as return_services

CALL = "BCSP-2025-01"

# How far each grant's actuals fall against target: green (~95%+), amber (~80%), red (~50%).
AWARDS = [
    {
        "suffix": "901",
        "organisation": "Bexley Women's Aid Network",
        "amount": "60000.00",
        "title": "Community outreach advocates",
        "themes": ["support", "trust"],
        "start": dt.date(2025, 4, 1),
        "end": dt.date(2027, 3, 31),
        "state": "submitted",
        "ratio": "0.95",
        "targets": {"survivors-supported-women": 120, "survivors-feeling-safer": 85, "cj-advocacy": 40},
    },
    {
        "suffix": "902",
        "organisation": "Safe Steps Erith",
        "amount": "45000.00",
        "title": "Schools healthy relationships programme",
        "themes": ["prevention", "support"],
        "start": dt.date(2025, 4, 1),
        "end": dt.date(2027, 3, 31),
        "state": "overdue",
        "ratio": "0.50",
        "targets": {"cyp-healthy-relationships": 400, "prevention-sessions": 48, "children-supported": 30},
    },
    {
        "suffix": "903",
        "organisation": "Crayford Men's Change Programme",
        "amount": "50000.00",
        "title": "Respect-accredited behaviour change groups",
        "themes": ["perpetrators", "support"],
        "start": dt.date(2025, 4, 1),
        "end": dt.date(2027, 3, 31),
        "state": "draft",
        "ratio": "0.80",
        "targets": {"programme-starts": 40, "programme-completions": 24, "partners-offered-support": 90},
    },
    {
        "suffix": "904",
        "organisation": "Thamesmead Youth Respect Project",
        "amount": "30000.00",
        "title": "Youth voice and trust pilot",
        "themes": ["prevention", "trust"],
        "start": dt.date(2025, 4, 1),
        "end": dt.date(2026, 3, 31),
        "state": "closed",
        "ratio": "1.05",
        "targets": {"survivor-voice-sessions": 16, "professionals-trained": 60},
    },
    {
        "suffix": "905",
        "organisation": "Sahara Sisters Bexley",
        "amount": "40000.00",
        "title": "Culturally specific IDVA service",
        "themes": ["support", "trust", "perpetrators", "prevention"],
        "start": dt.date(2026, 12, 1),
        "end": dt.date(2027, 11, 30),
        "state": "offered",
        "ratio": "1",
        "targets": {"survivors-supported-women": 60, "confidence-to-report": 75},
    },
]


def _org_admin(organisation):
    membership = (
        Membership.objects.approved()
        .filter(organisation=organisation, role=MembershipRole.ORG_ADMIN)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _application(call, organisation, spec, commissioner, creator):
    reference = f"{CALL}-{spec['suffix']}"
    application = Application.objects.filter(reference=reference).first()
    if application is not None:
        return application
    application = Application.objects.create(
        call=call,
        organisation=organisation,
        created_by=creator,
        status=ApplicationStatus.APPROVED,
        reference=reference,
        project_title=spec["title"],
        summary=f"{spec['title']}: a fictional demo project in Bexley.",
        submitted_at=timezone.now(),
        submitted_by=creator,
        beneficiary_count=150,
    )
    application.themes.set(Theme.objects.filter(slug__in=spec["themes"]))
    amount = Decimal(spec["amount"])
    years = sorted(
        {
            spec["start"].year if spec["start"].month >= 4 else spec["start"].year - 1,
            spec["end"].year if spec["end"].month >= 4 else spec["end"].year - 1,
        }
    )
    per_year = (amount / len(years)).quantize(Decimal("0.01"))
    staff = (per_year * Decimal("0.7")).quantize(Decimal("0.01"))
    for year in years:
        BudgetLine.objects.create(
            application=application, category="staff", description="Project worker", financial_year=year, amount=staff
        )
        BudgetLine.objects.create(
            application=application,
            category="delivery",
            description="Sessions and venues",
            financial_year=year,
            amount=per_year - staff,
        )
    for code, yearly in spec["targets"].items():
        outcome = ProposedOutcome.objects.create(application=application, indicator=Indicator.objects.get(code=code))
        for year in years:
            ProposedTarget.objects.create(outcome=outcome, financial_year=year, target=Decimal(yearly))
    Decision.objects.create(
        application=application,
        outcome=DecisionOutcome.APPROVE,
        approved_amount=amount,
        feedback="A strong, well-evidenced proposal.",
        decided_by=commissioner,
        decided_at=timezone.now(),
        released_at=timezone.now(),
        released_by=commissioner,
    )
    return application


def _actual(indicator, target, ratio):
    value = Decimal(target) * ratio
    if indicator.unit == IndicatorUnit.COUNT:
        return value.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    if indicator.unit == IndicatorUnit.PERCENTAGE:
        return min(value, Decimal("100")).quantize(Decimal("0.1"))
    return value.quantize(Decimal("0.01"))


def _fill(quarterly_return, provider, ratio):
    results = {
        indicator.pk: _actual(indicator, target or 0, ratio)
        for indicator, target in return_services.return_indicators(quarterly_return)
    }
    spend = {
        line.pk: (line.amount / 4).quantize(Decimal("0.01"))
        for line in return_services.return_budget_lines(quarterly_return)
    }
    return_services.save_return_draft(
        quarterly_return=quarterly_return,
        actor=provider,
        results=results,
        spend=spend,
        fields={
            "progress_narrative": "Sessions ran as planned; referrals came mainly from schools and the police.",
            "challenges_and_risks": "Recruiting volunteers over the summer was slow.",
            "safeguarding_incidents": 1,
        },
    )


def seed_awards(today=None):
    today = today or timezone.localdate()
    call = Call.objects.filter(reference=CALL).first()
    commissioner = User.objects.filter(email="commissioner@example.org").first()
    if call is None or commissioner is None:
        return []
    made = []
    for spec in AWARDS:
        reference = f"{CALL}-{spec['suffix']}"
        if Award.objects.filter(reference=reference).exists():
            continue
        organisation = Organisation.objects.filter(name=spec["organisation"]).first()
        provider = organisation and _org_admin(organisation)
        if provider is None:
            continue
        if (
            Application.objects.filter(call=call, organisation=organisation)
            .exclude(reference=reference)
            .exclude(status=ApplicationStatus.WITHDRAWN)
            .exists()
        ):
            continue  # another demo already uses this organisation on the call
        application = _application(call, organisation, spec, commissioner, provider)
        award = award_services.create_award(
            application=application,
            actor=commissioner,
            amount=Decimal(spec["amount"]),
            start_date=spec["start"],
            end_date=spec["end"],
            allocation=award_services.default_allocation(spec["themes"]),
            conditions="Attend a quarterly review meeting with the commissioner. "
            "Acknowledge BCSP funding in publicity.",
        )
        made.append(award)
        if spec["state"] == "offered":
            continue
        award_services.accept_award(award=award, actor=provider, typed_name=provider.get_full_name() or provider.email)
        ratio = Decimal(spec["ratio"])
        ended = [
            r
            for r in award.returns.order_by("financial_year", "quarter")
            if FinancialQuarter(r.financial_year, r.quarter).end < today
        ]
        to_approve = ended if spec["state"] == "closed" else ended[:-1]
        for position, quarterly_return in enumerate(to_approve):
            _fill(quarterly_return, provider, ratio)
            return_services.submit_return(quarterly_return=quarterly_return, actor=provider, today=today)
            return_services.approve_return(
                quarterly_return=quarterly_return, actor=commissioner, comments="Thank you: clear and complete."
            )
            payment = quarterly_return.payment
            leave_unpaid = spec["state"] == "submitted" and position == len(to_approve) - 1
            if not leave_unpaid:
                payment_services.record_payment(
                    payment=payment,
                    actor=commissioner,
                    reference=f"BACS-{award.reference[-3:]}-{payment.sequence}",
                    paid_on=min(today, quarterly_return.due_date + dt.timedelta(days=14)),
                )
        last = ended[-1] if ended else None
        if last is not None and spec["state"] == "submitted":
            _fill(last, provider, ratio)
            return_services.submit_return(quarterly_return=last, actor=provider, today=today)
        elif last is not None and spec["state"] == "draft":
            _fill(last, provider, ratio)
        elif spec["state"] == "closed":
            award_services.close_award(
                award=award,
                actor=commissioner,
                final_spend=Decimal(spec["amount"]) - Decimal("1250.00"),
                clawback_amount=Decimal("1250.00"),
                notes="Underspend on venue hire to be repaid.",
            )
    return_services.hold_overdue_payments(today=today)
    return made
