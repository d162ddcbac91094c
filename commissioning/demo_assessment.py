"""Demo applications for `seed_demo`: on the closed call BCSP-2026-01, one application in every state,
scored by assessor1 and assessor2 (assessor3 declares a conflict on one), so a person can walk the whole
assessment journey. All content is fictional. Each application is made only if its title is not already
on the call, so running the command twice changes nothing."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from .models import (
    Answer,
    Application,
    BudgetLine,
    Call,
    Indicator,
    Membership,
    MembershipRole,
    MembershipStatus,
    Organisation,
    ProposedOutcome,
    ProposedTarget,
    Theme,
    User,
)
from .models import (
    ApplicationStatus as S,
)
from .roles import Role
from .services import assessment as services
from .states import change_application_status

CALL_REFERENCE = "BCSP-2026-01"

# Extra fictional organisations, so that each state has its own applicant (one application per
# organisation per call). Each gets an org admin who can sign in to the portal.
EXTRA_ORGANISATIONS = [
    {
        "name": "Belvedere Family Hub",
        "email": "provider7@example.org",
        "first": "Ruth",
        "last": "Adebayo",
        "charity_number": "1190007",
    },
    {
        "name": "Welling Youth Voices",
        "email": "provider8@example.org",
        "first": "Marcus",
        "last": "Reid",
        "charity_number": "1190008",
    },
    {
        "name": "Abbey Wood Survivors' Network",
        "email": "provider9@example.org",
        "first": "Nadia",
        "last": "Hussain",
        "charity_number": "1190009",
    },
]

# Scores per criterion (five criteria on BCSP-2026-01) for assessor1 and assessor2.
STRONG = ((5, 4, 4, 4, 5), (4, 4, 5, 4, 4))
GOOD = ((4, 4, 3, 3, 4), (4, 3, 3, 4, 3))
SPLIT = ((4, 2, 3, 3, 3), (2, 4, 3, 3, 3))  # differ by 2 on two criteria: flagged on the panel
FAIR = ((3, 3, 2, 3, 2), (3, 2, 2, 3, 3))
WEAK = ((2, 1, 2, 2, 2), (1, 2, 1, 2, 2))

APPLICATIONS = [
    {
        "organisation": "Bexley Women's Aid Network",
        "state": "approved_reduced",
        "title": "Safe at Home: specialist outreach for survivors in Bexleyheath",
        "themes": ["support", "trust"],
        "indicators": [("survivors-supported-women", 120), ("survivors-feeling-safer", 80)],
        "budget": [
            ("staff", "Two part-time outreach workers", 2026, "38000.00"),
            ("staff", "Two part-time outreach workers", 2027, "30000.00"),
            ("delivery", "Interpreting and travel", 2026, "4000.00"),
        ],
        "scores": STRONG,
        "moderated": 4,
    },
    {
        "organisation": "Safe Steps Erith",
        "state": "rejected",
        "title": "Erith Station Safe Space pilot",
        "themes": ["prevention"],
        "indicators": [("night-time-venues", 12)],
        "budget": [
            ("delivery", "Pop-up safe space staffing", 2026, "42000.00"),
            ("overheads", "Insurance and premises", 2026, "6000.00"),
        ],
        "scores": WEAK,
        "moderated": 2,
    },
    {
        "organisation": "Crayford Men's Change Programme",
        "state": "moderated",
        "title": "Change Ahead: a behaviour-change group for men in Crayford",
        "themes": ["perpetrators"],
        "indicators": [("programme-starts", 30), ("programme-completions", 18)],
        "budget": [
            ("staff", "Accredited facilitators", 2026, "40000.00"),
            ("staff", "Partner support worker", 2026, "22000.00"),
            ("staff", "Partner support worker", 2027, "10000.00"),
        ],
        "scores": GOOD,
        "moderated": 4,
    },
    {
        "organisation": "Thamesmead Youth Respect Project",
        "state": "scored",
        "title": "Respect Rooms: healthy-relationships sessions in youth clubs",
        "themes": ["prevention"],
        "indicators": [("cyp-healthy-relationships", 400), ("prevention-sessions", 60)],
        "budget": [
            ("staff", "Youth workers", 2026, "30000.00"),
            ("staff", "Youth workers", 2027, "30000.00"),
            ("delivery", "Session materials", 2026, "5000.00"),
            ("volunteers", "Peer mentors' travel", 2026, "1500.00"),
        ],
        "scores": SPLIT,
    },
    {
        "organisation": "Sahara Sisters Bexley",
        "state": "reserve",
        "title": "Sahara Voices: by-and-for advocacy for Black and minoritised women",
        "themes": ["support", "trust"],
        "indicators": [("cj-advocacy", 60), ("confidence-to-report", 70)],
        "budget": [
            ("staff", "Advocate (community languages)", 2026, "45000.00"),
            ("staff", "Advocate (community languages)", 2027, "20000.00"),
        ],
        "scores": FAIR,
        "moderated": 3,
    },
    {
        "organisation": "Sidcup Night Safety CIC",
        "state": "under_assessment",
        "title": "Sidcup After Dark: venue staff training",
        "themes": ["prevention"],
        "indicators": [("professionals-trained", 150)],
        "budget": [("delivery", "Training for bar and door staff", 2026, "18000.00")],
    },
    {
        "organisation": "Belvedere Family Hub",
        "state": "submitted",
        "title": "Family Hub safety planning drop-in",
        "themes": ["support"],
        "indicators": [("children-supported", 40)],
        "budget": [("staff", "Family support worker", 2026, "26000.00"), ("other", "Creche", 2026, "3000.00")],
    },
    {
        "organisation": "Welling Youth Voices",
        "state": "ineligible",
        "title": "Welling Youth Voices podcast",
        "themes": ["prevention"],
        "indicators": [("prevention-sessions", 20)],
        "budget": [("delivery", "Recording equipment and editing", 2026, "9000.00")],
    },
    {
        "organisation": "Abbey Wood Survivors' Network",
        "state": "withdrawn",
        "title": "Survivor co-production panel",
        "themes": ["trust"],
        "indicators": [("survivor-voice-sessions", 10)],
        "budget": [
            ("volunteers", "Panel members' expenses", 2026, "4000.00"),
            ("staff", "Coordinator", 2026, "12000.00"),
        ],
    },
]

ANSWERS = [
    "We will test {title_lower} with people who do not use services today, measuring what changes with them.",
    "Staff are DBS checked and trained in safeguarding; every session has two staff and a referral route to "
    "the local IDVA service and children's social care.",
    "",
]


def _user(email, first_name, last_name):
    from .demo import demo_password

    user, created = User.objects.get_or_create(email=email, defaults={"first_name": first_name, "last_name": last_name})
    if created:
        user.set_password(demo_password())
        user.email_confirmed_at = timezone.now()
        user.save()
    user.groups.add(Group.objects.get(name=Role.PROVIDER))
    return user


def _extra_organisations():
    template = Organisation.objects.get(name="Bexley Women's Aid Network")
    for data in EXTRA_ORGANISATIONS:
        organisation = Organisation.objects.filter(name=data["name"]).first()
        if organisation is None:
            organisation = Organisation(
                name=data["name"],
                legal_form="registered_charity",
                charity_number=data["charity_number"],
                address_line_1="1 Fictional Road",
                town="Bexley",
                postcode=template.postcode,
                income_band=template.income_band,
                safeguarding_lead_name=f"{data['first']} {data['last']}",
                safeguarding_lead_email=data["email"],
            )
            organisation.full_clean()
            organisation.save()
        user = _user(data["email"], data["first"], data["last"])
        Membership.objects.get_or_create(
            user=user,
            organisation=organisation,
            defaults={
                "role": MembershipRole.ORG_ADMIN,
                "status": MembershipStatus.APPROVED,
                "decided_at": timezone.now(),
            },
        )


def _provider_of(organisation):
    return (
        User.objects.filter(
            memberships__organisation=organisation,
            memberships__status=MembershipStatus.APPROVED,
            memberships__role=MembershipRole.ORG_ADMIN,
        )
        .order_by("pk")
        .first()
    )


def _build(call, data, number):
    """Create the application as a provider would have left it, then submit it through the lifecycle."""
    organisation = Organisation.objects.get(name=data["organisation"])
    provider = _provider_of(organisation)
    application = Application.objects.create(
        call=call,
        organisation=organisation,
        created_by=provider,
        project_title=data["title"],
        summary=f"{data['title']}. A fictional demo project for the BCSP assessment walkthrough.",
        need_and_evidence="Local police and helpline data show rising demand in this area, and partners report "
        "people waiting weeks for specialist help.",
        delivery_plan="Months 1–2: recruit and train. Months 3–18: deliver, review quarterly with partners. "
        "Months 19–24: evaluate and share what we learned.",
        beneficiaries="Residents of Bexley affected by violence against women and girls.",
        beneficiary_count=80 + 10 * number,
        partners=["bvsc", "da_board"],
        safeguarding_approach="A named safeguarding lead, a written policy reviewed yearly, supervision for "
        "all staff and clear referral routes.",
        themes_how="The project works directly on the themes chosen, with outcomes measured against the "
        "BCSP indicator library.",
        declares_information_true=True,
        declares_policies_in_place=True,
        declares_data_protection=True,
        completed_sections=["organisation", "project", "themes", "budget", "questions", "attachments", "declarations"],
    )
    application.themes.set(Theme.objects.filter(slug__in=data["themes"]))
    for category, description, year, amount in data["budget"]:
        BudgetLine.objects.create(
            application=application,
            category=category,
            description=description,
            financial_year=year,
            amount=Decimal(amount),
        )
    for code, target in data["indicators"]:
        outcome = ProposedOutcome.objects.create(application=application, indicator=Indicator.objects.get(code=code))
        ProposedTarget.objects.create(outcome=outcome, financial_year=2026, target=Decimal(target))
    for question, text in zip(call.questions.all(), ANSWERS, strict=False):
        if text:
            Answer.objects.create(
                application=application, question=question, text=text.format(title_lower=data["title"].lower())
            )
    submitted_at = call.closes_at - timedelta(days=3, hours=number)
    Application.objects.filter(pk=application.pk).update(
        reference=f"{call.reference}-{number:03d}", submitted_at=submitted_at, submitted_by=provider
    )
    change_application_status(application, S.SUBMITTED, actor=provider, comment="Demo submission.")
    return application, provider


def _score(application, assessor, values):
    assessment = application.assessments.get(assessor=assessor)
    services.declare_conflict(assessment=assessment, actor=assessor, conflicted=False)
    criteria = list(application.call.criteria.all())
    comments = {
        5: "Excellent, with strong evidence.",
        4: "Good, with some strengths.",
        3: "Meets the requirement.",
        2: "Only partly meets the requirement.",
        1: "Major gaps.",
        0: "No evidence.",
    }
    services.save_scores(
        assessment=assessment,
        actor=assessor,
        submit=True,
        scores={c.pk: (str(v), comments[v]) for c, v in zip(criteria, values, strict=True)},
    )


def seed_assessment():
    """Create the demo applications on BCSP-2026-01 (no-op for any already there)."""
    call = Call.objects.filter(reference=CALL_REFERENCE).first()
    if call is None:
        return
    _extra_organisations()
    staff = {
        email: User.objects.get(email=email)
        for email in (
            "commissioner@example.org",
            "assessor1@example.org",
            "assessor2@example.org",
            "assessor3@example.org",
        )
    }
    commissioner = staff["commissioner@example.org"]
    assessor1, assessor2, assessor3 = (staff[f"assessor{n}@example.org"] for n in (1, 2, 3))
    existing = set(Application.objects.filter(call=call).values_list("project_title", flat=True))
    created = {}
    with transaction.atomic():
        for number, data in enumerate(APPLICATIONS, start=1):
            if data["title"] in existing:
                continue
            application, provider = _build(call, data, number)
            created[data["state"]] = application
            state = data["state"]
            if state == "withdrawn":
                Application.objects.filter(pk=application.pk).update(
                    withdrawn_at=timezone.now(), withdrawn_reason="Our lead worker has left; we will apply next year."
                )
                change_application_status(application, S.WITHDRAWN, actor=provider, comment="Lead worker left.")
            elif state == "ineligible":
                services.record_eligibility(
                    application=application,
                    actor=commissioner,
                    reason="The call funds work delivered in Bexley by organisations with a safeguarding policy; "
                    "no safeguarding policy or accounts were provided.",
                    results={
                        "governance": (True, "Constitution seen."),
                        "accounts": (False, "No accounts supplied."),
                        "safeguarding": (False, "No policy supplied."),
                    },
                )
            elif state == "under_assessment":
                services.assign_assessors(application=application, assessors=[assessor1, assessor3], actor=commissioner)
                services.declare_conflict(
                    assessment=application.assessments.get(assessor=assessor3),
                    actor=assessor3,
                    conflicted=True,
                    description="My partner is a director of Sidcup Night Safety CIC.",
                )
                services.declare_conflict(
                    assessment=application.assessments.get(assessor=assessor1), actor=assessor1, conflicted=False
                )
            elif "scores" in data:
                services.assign_assessors(application=application, assessors=[assessor1, assessor2], actor=commissioner)
                _score(application, assessor1, data["scores"][0])
                _score(application, assessor2, data["scores"][1])
                if "moderated" in data:
                    services.moderate(
                        application=application,
                        actor=commissioner,
                        scores={
                            c.pk: (str(data["moderated"]), "Agreed at the panel on 12 March.")
                            for c in call.criteria.all()
                        },
                    )
        if "approved_reduced" in created:
            services.record_decision(
                application=created["approved_reduced"],
                actor=commissioner,
                outcome="approve",
                approved_amount=Decimal("60000.00"),
                reduction_reason="Year-two staffing reduced to fit the call's budget; interpreting costs funded "
                "in full.",
                feedback="A strong, well-evidenced proposal with a clear safeguarding approach. The panel would like "
                "quarterly updates on waiting times.",
            )
        if "rejected" in created:
            services.record_decision(
                application=created["rejected"],
                actor=commissioner,
                outcome="reject",
                feedback="The panel liked the idea but the delivery plan did not show how the safe space would be "
                "staffed safely late at night. We encourage you to talk to the BCSP team before the next call.",
            )
        if created.keys() & {"approved_reduced", "rejected"}:
            services.release_decisions(call=call, actor=commissioner)
        if "reserve" in created:
            # Recorded after the release above, so the commissioner can try "Release decisions" in the demo.
            services.record_decision(
                application=created["reserve"],
                actor=commissioner,
                outcome="reserve",
                feedback="A good proposal just below the funding line; it stays on the reserve list until June.",
            )
