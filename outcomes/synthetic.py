"""Synthetic, fictional programme data at a chosen scale, for benchmarks and load tests.

Scale 1 is one borough over five financial years (25 calls, 1,000 applications, 250 awards with twelve
quarterly returns and payments each, 300 provider organisations); scale 10 is London-sized. Everything the
generator makes is recognisable without a schema change: organisations are named "Synthetic ...", call
references start "SYN", and every account's address ends "@synthetic.example". Rows are built in memory
from one seeded random generator and written with ``bulk_create`` in batches, so the same seed and the same
``today`` give the same data and scale 10 builds in minutes.

This lives in ``outcomes`` because it builds awards, returns and payments as well as commissioning data:
outcomes may import commissioning, never the reverse.
"""

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from commissioning.fiscal import LONDON, FinancialQuarter, financial_year_of
from commissioning.models import (
    Answer,
    Application,
    ApplicationStatus,
    Assessment,
    AssessmentStatus,
    BudgetLine,
    Call,
    Criterion,
    Decision,
    DecisionOutcome,
    Indicator,
    Membership,
    MembershipRole,
    MembershipStatus,
    Organisation,
    Question,
    Score,
    Theme,
    User,
)
from commissioning.roles import Role
from commissioning.validators import organisation_name_key

from .models import (
    ALLOCATION_FIELDS,
    FULL_ALLOCATION_BP,
    Award,
    AwardStatus,
    IndicatorResult,
    IndicatorTarget,
    Payment,
    PaymentStatus,
    QuarterlyReturn,
    ReturnRound,
    ReturnStatus,
    Variation,
)

ORG_PREFIX = "Synthetic "
CALL_PREFIX = "SYN"
EMAIL_DOMAIN = "@synthetic.example"
BATCH = 2000
PENNY = Decimal("0.01")

# Per unit of scale: one borough's programme over five financial years.
CALLS_PER_SCALE = 25
APPLICATIONS_PER_SCALE = 1000
ORGANISATIONS_PER_SCALE = 300
CRITERIA_PER_CALL = 3
QUESTIONS_PER_CALL = 2
ASSESSORS_PER_APPLICATION = 2
INDICATORS_PER_AWARD = 10
QUARTERS_PER_AWARD = 12
ASSESSORS_PER_BOROUGH = 6

# Outcome shares of applications to closed calls (most are turned down; a quarter are funded).
CLOSED_CALL_OUTCOMES = [
    (ApplicationStatus.APPROVED, 26),
    (ApplicationStatus.REJECTED, 24),
    (ApplicationStatus.RESERVE, 2),
    (ApplicationStatus.INELIGIBLE, 30),
    (ApplicationStatus.WITHDRAWN, 10),
    (ApplicationStatus.DRAFT, 8),  # started and never submitted before the call closed
]
ASSESSED = {ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.RESERVE}

FIRST_NAMES = [
    "Ada",
    "Bea",
    "Cal",
    "Dee",
    "Eli",
    "Fen",
    "Gia",
    "Hal",
    "Ira",
    "Jo",
    "Kit",
    "Lux",
    "Mo",
    "Nia",
    "Oz",
    "Pip",
    "Quin",
    "Rue",
    "Sol",
    "Tam",
    "Uma",
    "Vic",
    "Wren",
    "Xan",
    "Yas",
    "Zed",
]
# Made-up surnames: syllables joined, so no generated person is a real, named individual.
SURNAME_PARTS = ["Ash", "Bram", "Cor", "Dun", "Elm", "Fair", "Glen", "Holt", "Ivy", "Kest", "Lark", "Moor"]
SURNAME_ENDS = ["by", "dale", "ford", "ham", "ley", "mere", "ton", "well", "wick", "worth"]
ORG_WORDS = ["Riverside", "Crossway", "Lantern", "Harbour", "Beacon", "Meadow", "Compass", "Bridge", "Oak", "Willow"]
ORG_KINDS = ["Women's Project", "Survivors' Network", "Youth Trust", "Community Hub", "Family Service", "Collective"]
TOPICS = [
    "healthy relationships",
    "safe accommodation",
    "advocacy",
    "peer support",
    "school workshops",
    "perpetrator programmes",
    "outreach",
    "counselling",
    "night-time economy safety",
    "online safety",
]
WORDS = (
    "the project will deliver support sessions for women and girls across the borough with partners "
    "trained staff and volunteers measuring outcomes each quarter and reporting progress to the partnership"
).split()


@dataclass
class Counts:
    calls: int
    applications: int
    organisations: int
    boroughs: int

    @classmethod
    def for_scale(cls, scale: float) -> "Counts":
        if scale <= 0:
            raise ValueError("The scale must be more than 0.")
        # At least one closed call (with decisions, awards and returns) besides the open one.
        calls = max(2, round(CALLS_PER_SCALE * scale))
        applications = max(calls * 2, round(APPLICATIONS_PER_SCALE * scale))
        # An organisation applies at most once per call, so each call needs enough organisations.
        organisations = max(round(ORGANISATIONS_PER_SCALE * scale), math.ceil(applications / calls) + 1)
        return cls(calls, applications, organisations, boroughs=max(1, math.ceil(scale)))


@dataclass
class Result:
    counts: dict = field(default_factory=dict)


def is_synthetic_database():
    """(has synthetic data, has other data): other data is any organisation, call or account the
    generator did not make (staff accounts created by ``createsuperuser`` count too)."""
    synthetic = Organisation.objects.filter(name__startswith=ORG_PREFIX).exists()
    other = (
        Organisation.objects.exclude(name__startswith=ORG_PREFIX).exists()
        or Call.objects.exclude(reference__startswith=CALL_PREFIX).exists()
        or User.objects.exclude(email__endswith=EMAIL_DOMAIN).exists()
    )
    return synthetic, other


def delete_synthetic():
    """Remove everything the generator made (children first: most foreign keys protect)."""
    awards = Award.objects.filter(organisation__name__startswith=ORG_PREFIX)
    applications = Application.objects.filter(organisation__name__startswith=ORG_PREFIX)
    calls = Call.objects.filter(reference__startswith=CALL_PREFIX)
    with transaction.atomic():
        Payment.objects.filter(award__in=awards).delete()
        IndicatorResult.objects.filter(quarterly_return__award__in=awards).delete()
        ReturnRound.objects.filter(quarterly_return__award__in=awards).delete()
        QuarterlyReturn.objects.filter(award__in=awards).delete()
        IndicatorTarget.objects.filter(award__in=awards).delete()
        Variation.objects.filter(award__in=awards).delete()
        awards.delete()
        Score.objects.filter(assessment__application__in=applications).delete()
        Assessment.objects.filter(application__in=applications).delete()
        Decision.objects.filter(application__in=applications).delete()
        Answer.objects.filter(application__in=applications).delete()
        BudgetLine.objects.filter(application__in=applications).delete()
        applications.delete()
        Criterion.objects.filter(call__in=calls).delete()
        Question.objects.filter(call__in=calls).delete()
        calls.delete()
        Organisation.objects.filter(name__startswith=ORG_PREFIX).delete()
        User.objects.filter(email__endswith=EMAIL_DOMAIN).delete()


def _aware(day: dt.date, hour=12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def _money(value) -> Decimal:
    return Decimal(value).quantize(PENNY)


class Generator:
    """Builds the rows. ``progress(label, done, total)`` is called as each phase is written."""

    def __init__(
        self, *, scale: float, seed: int = 1, today: dt.date | None = None, password: str | None = None, progress=None
    ):
        self.counts = Counts.for_scale(scale)
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.now = _aware(self.today, 9)
        # One hash reused by every account: hashing thousands of passwords would take minutes.
        self.password_hash = make_password(password)
        self.progress = progress or (lambda label, done, total: None)
        self.result = Result()

    # -- helpers -------------------------------------------------------------------------------
    def _text(self, words):
        return " ".join(self.rng.choice(WORDS) for _ in range(words)).capitalize() + "."

    def _person(self):
        surname = self.rng.choice(SURNAME_PARTS) + self.rng.choice(SURNAME_ENDS)
        return self.rng.choice(FIRST_NAMES), surname

    def _write(self, label, model, objects):
        """bulk_create in batches, reporting progress; returns the objects with primary keys set."""
        total = len(objects)
        self.progress(label, 0, total)
        for start in range(0, total, BATCH):
            model.objects.bulk_create(objects[start : start + BATCH])
            self.progress(label, min(start + BATCH, total), total)
        self.result.counts[label] = self.result.counts.get(label, 0) + total
        return objects

    # -- phases --------------------------------------------------------------------------------
    def run(self) -> Result:
        with transaction.atomic():
            self.themes = list(Theme.objects.order_by("display_order"))
            self.indicators = list(Indicator.objects.library().order_by("pk"))
            if len(self.indicators) < INDICATORS_PER_AWARD or len(self.themes) != len(ALLOCATION_FIELDS):
                raise ValueError("The theme and indicator library is missing: run migrate first.")
            self._staff()
            self._organisations()
            self._calls()
            self._applications()
            self._assessment()
            self._awards()
            self._returns_and_payments()
        return self.result

    def _staff(self):
        groups = {role: Group.objects.get(name=role.value) for role in Role}
        users, roles = [], []
        for borough in range(self.counts.boroughs):
            people = [(Role.COMMISSIONER, "commissioner"), (Role.EXECUTIVE, "executive"), (Role.ADMINISTRATOR, "admin")]
            people += [(Role.ASSESSOR, f"assessor{n}") for n in range(1, ASSESSORS_PER_BOROUGH + 1)]
            for role, label in people:
                first, last = self._person()
                users.append(
                    User(
                        email=f"{label}.b{borough:02d}{EMAIL_DOMAIN}",
                        first_name=first,
                        last_name=last,
                        password=self.password_hash,
                        is_staff=True,
                        email_confirmed_at=self.now,
                    )
                )
                roles.append(role)
        self._write("staff", User, users)
        self._write(
            "staff roles",
            User.groups.through,
            [User.groups.through(user_id=user.pk, group_id=groups[role].pk) for user, role in zip(users, roles)],
        )
        per = len(users) // self.counts.boroughs
        self.commissioners = [users[b * per] for b in range(self.counts.boroughs)]
        self.assessors = [users[b * per + 3 : (b + 1) * per] for b in range(self.counts.boroughs)]
        self.provider_group = groups[Role.PROVIDER]

    def _organisations(self):
        orgs = []
        for n in range(self.counts.organisations):
            first, last = self._person()
            name = f"{ORG_PREFIX}{self.rng.choice(ORG_WORDS)} {self.rng.choice(ORG_KINDS)} {n + 1:05d}"
            orgs.append(
                Organisation(
                    name=name,
                    name_key=organisation_name_key(name),  # bulk_create skips Organisation.save()
                    # Unregistered forms only: invented charity or company numbers could be someone's real one.
                    legal_form=self.rng.choice(["community_group", "community_group", "other", "statutory"]),
                    address_line_1=f"{n % 200 + 1} {self.rng.choice(ORG_WORDS)} Road",
                    town="Bexleyheath",
                    postcode="DA6 7AT",
                    is_specialist_vawg=self.rng.random() < 0.4,
                    is_by_and_for=self.rng.random() < 0.15,
                    income_band=self.rng.choice(
                        ["under_10k", "10k_100k", "10k_100k", "100k_500k", "500k_1m", "over_1m"]
                    ),
                    safeguarding_lead_name=f"{first} {last}",
                    safeguarding_lead_email=f"safeguarding{n + 1:05d}{EMAIL_DOMAIN}",
                )
            )
        self.organisations = self._write("organisations", Organisation, orgs)
        users, members = [], []
        for n, org in enumerate(orgs):
            # Most organisations have one account; some larger ones a second member.
            for k in range(1 if self.rng.random() < 0.5 else 2):
                first, last = self._person()
                users.append(
                    User(
                        email=f"provider{n + 1:05d}.{k + 1}{EMAIL_DOMAIN}",
                        first_name=first,
                        last_name=last,
                        password=self.password_hash,
                        email_confirmed_at=self.now,
                    )
                )
                members.append((org, MembershipRole.ORG_ADMIN if k == 0 else MembershipRole.MEMBER))
        self._write("provider accounts", User, users)
        self._write(
            "provider roles",
            User.groups.through,
            [User.groups.through(user_id=user.pk, group_id=self.provider_group.pk) for user in users],
        )
        self._write(
            "memberships",
            Membership,
            [
                Membership(
                    user=user, organisation=org, role=role, status=MembershipStatus.APPROVED, decided_at=self.now
                )
                for user, (org, role) in zip(users, members)
            ],
        )
        self.org_users = {}
        for user, (org, _role) in zip(users, members):
            self.org_users.setdefault(org.pk, user)

    def _calls(self):
        # Closed calls span the five financial years before this one; each borough's latest call is open now.
        first_year = financial_year_of(self.today) - 5
        per_borough = math.ceil(self.counts.calls / self.counts.boroughs)
        calls, open_flags, numbering = [], [], {}
        for i in range(self.counts.calls):
            borough, j = divmod(i, per_borough)
            in_borough = min(per_borough, self.counts.calls - borough * per_borough)
            # Closed calls spread over the five years, the latest in the last one: a small dataset's few
            # closed calls are recent, so it too has active awards and returns in review.
            closed_calls = max(1, in_borough - 1)
            year = first_year + 4 - ((closed_calls - 1 - j) * 5) // closed_calls
            is_open = j == in_borough - 1
            if is_open:
                opens, closes = self.now - dt.timedelta(days=30), self.now + dt.timedelta(days=21)
            else:
                opens = _aware(dt.date(year, 4, 1) + dt.timedelta(days=(j % 5) * 70 + self.rng.randrange(20)))
                closes = opens + dt.timedelta(days=42)
                latest_close = self.now - dt.timedelta(days=120)
                if closes > latest_close:
                    closes, opens = latest_close, latest_close - dt.timedelta(days=42)
            numbering[(borough, year)] = numbering.get((borough, year), 0) + 1
            max_grant = _money(self.rng.choice([15000, 25000, 40000, 60000]))
            calls.append(
                Call(
                    reference=f"{CALL_PREFIX}{borough:02d}-{opens.year}-{numbering[(borough, year)]:02d}",
                    title=f"{self.rng.choice(TOPICS).capitalize()} fund {opens.year}",
                    summary=self._text(30),
                    total_budget=max_grant * 12,
                    min_grant=_money(2000),
                    max_grant=max_grant,
                    opens_at=opens,
                    closes_at=closes,
                    eligibility="Voluntary and community organisations working in the borough.",
                    max_project_months=36,
                )
            )
            open_flags.append(is_open)
        # A call's reference carries its opening year; two calls can share a year slot after clamping.
        seen = {}
        for call in calls:
            while call.reference in seen:
                prefix, year, number = call.reference.rsplit("-", 2)
                call.reference = f"{prefix}-{year}-{int(number) + 1:02d}"
            seen[call.reference] = True
        self.calls = self._write("calls", Call, calls)
        self.call_open = dict(zip([c.pk for c in calls], open_flags))
        self.call_borough = {call.pk: i // per_borough for i, call in enumerate(calls)}
        through = Call.themes.through
        links = []
        self.call_themes = {}
        for call in calls:
            chosen = self.rng.sample(self.themes, self.rng.randint(1, 3))
            self.call_themes[call.pk] = chosen
            links += [through(call_id=call.pk, theme_id=theme.pk) for theme in chosen]
        self._write("call themes", through, links)
        criteria, questions = [], []
        for call in calls:
            for order, (name, weight) in enumerate([("Need", 40), ("Delivery", 30), ("Value for money", 30)]):
                criteria.append(Criterion(call=call, name=name, weight=weight, sort_order=order))
            for order in range(QUESTIONS_PER_CALL):
                questions.append(
                    Question(
                        call=call,
                        text=f"Question {order + 1}: how will you reach people?",
                        word_limit=250,
                        sort_order=order,
                    )
                )
        self._write("criteria", Criterion, criteria)
        self._write("questions", Question, questions)
        self.criteria = {}
        for criterion in criteria:
            self.criteria.setdefault(criterion.call_id, []).append(criterion)
        self.questions = {}
        for question in questions:
            self.questions.setdefault(question.call_id, []).append(question)

    def _applications(self):
        n_calls = len(self.calls)
        per_call = [
            self.counts.applications // n_calls + (1 if i < self.counts.applications % n_calls else 0)
            for i in range(n_calls)
        ]
        closed_total = sum(n for call, n in zip(self.calls, per_call) if not self.call_open[call.pk])
        # Exact quotas, shuffled, so counts stay in proportion at every scale (random draws would drift).
        outcomes = [
            status for status, weight in CLOSED_CALL_OUTCOMES for _ in range(round(closed_total * weight / 100))
        ]
        outcomes = (outcomes + [ApplicationStatus.REJECTED] * closed_total)[:closed_total]
        self.rng.shuffle(outcomes)
        apps, app_themes = [], []
        for call, count in zip(self.calls, per_call):
            orgs = self.rng.sample(self.organisations, count)
            sequence = 0
            for org in orgs:
                if self.call_open[call.pk]:
                    status = ApplicationStatus.SUBMITTED if self.rng.random() < 0.4 else ApplicationStatus.DRAFT
                else:
                    status = outcomes.pop()
                submitted = status != ApplicationStatus.DRAFT
                reference = None
                if submitted:
                    sequence += 1
                    reference = f"{call.reference}-{sequence:03d}"
                user = self.org_users[org.pk]
                submitted_at = call.closes_at - dt.timedelta(hours=self.rng.randint(1, 24 * 20))
                apps.append(
                    Application(
                        call=call,
                        organisation=org,
                        created_by=user,
                        status=status,
                        reference=reference,
                        project_title=f"{self.rng.choice(TOPICS).capitalize()} in {self.rng.choice(ORG_WORDS)}",
                        summary=self._text(40),
                        need_and_evidence=self._text(60),
                        delivery_plan=self._text(60),
                        beneficiaries=self._text(20),
                        beneficiary_count=self.rng.randint(20, 600),
                        safeguarding_approach=self._text(30),
                        themes_how=self._text(30),
                        declares_information_true=submitted,
                        declares_policies_in_place=submitted,
                        declares_data_protection=submitted,
                        submitted_at=submitted_at if submitted else None,
                        submitted_by=user if submitted else None,
                        withdrawn_at=submitted_at + dt.timedelta(days=2)
                        if status == ApplicationStatus.WITHDRAWN
                        else None,
                        withdrawn_reason="We could not confirm match funding."
                        if status == ApplicationStatus.WITHDRAWN
                        else "",
                        ineligible_reason="Safeguarding policy out of date."
                        if status == ApplicationStatus.INELIGIBLE
                        else "",
                    )
                )
        self._write("applications", Application, apps)
        through = Application.themes.through
        for app in apps:
            for theme in self.rng.sample(self.call_themes[app.call_id], 1):
                app_themes.append(through(application_id=app.pk, theme_id=theme.pk))
        self._write("application themes", through, app_themes)
        lines, answers = [], []
        self.requested = {}
        for app in apps:
            call = app.call
            # Whole pounds drawn as integers: no float in a money path.
            total = Decimal(self.rng.randint(int(call.min_grant), int(call.max_grant))).quantize(PENNY)
            staff = (total * Decimal("0.6")).quantize(PENNY)
            delivery = (total * Decimal("0.3")).quantize(PENNY)
            year = financial_year_of(call.closes_at.date())
            for category, amount in (("staff", staff), ("delivery", delivery), ("overheads", total - staff - delivery)):
                lines.append(
                    BudgetLine(
                        application=app,
                        category=category,
                        description=f"{category.capitalize()} costs",
                        financial_year=year,
                        amount=amount,
                    )
                )
            self.requested[app.pk] = total
            for question in self.questions[call.pk]:
                answers.append(Answer(application=app, question=question, text=self._text(50)))
        self._write("budget lines", BudgetLine, lines)
        self._write("answers", Answer, answers)
        self.applications = apps

    def _assessment(self):
        assessments, score_plan, decisions = [], [], []
        for app in self.applications:
            if app.status not in ASSESSED:
                continue
            commissioner = self.commissioners[self.call_borough[app.call_id]]
            quality = {ApplicationStatus.APPROVED: (3, 5), ApplicationStatus.RESERVE: (2, 4)}.get(app.status, (0, 3))
            for assessor in self.rng.sample(self.assessors[self.call_borough[app.call_id]], ASSESSORS_PER_APPLICATION):
                scores = [self.rng.randint(*quality) for _ in self.criteria[app.call_id]]
                weighted = sum(s * c.weight for s, c in zip(scores, self.criteria[app.call_id])) / Decimal(5)
                assessments.append(
                    Assessment(
                        application=app,
                        assessor=assessor,
                        assigned_by=commissioner,
                        status=AssessmentStatus.SUBMITTED,
                        declared_at=app.call.closes_at + dt.timedelta(days=3),
                        submitted_at=app.call.closes_at + dt.timedelta(days=10),
                        weighted_total=_money(weighted),
                    )
                )
                score_plan.append(scores)
            outcome = {
                ApplicationStatus.APPROVED: DecisionOutcome.APPROVE,
                ApplicationStatus.RESERVE: DecisionOutcome.RESERVE,
            }.get(app.status, DecisionOutcome.REJECT)
            decided = app.call.closes_at + dt.timedelta(days=30)
            decisions.append(
                Decision(
                    application=app,
                    outcome=outcome,
                    approved_amount=self.requested[app.pk] if outcome == DecisionOutcome.APPROVE else None,
                    feedback=self._text(25),
                    decided_by=commissioner,
                    decided_at=decided,
                    released_at=decided + dt.timedelta(days=2),
                    released_by=commissioner,
                )
            )
        self._write("assessments", Assessment, assessments)
        scores = [
            Score(assessment=assessment, criterion=criterion, score=value, comment=self._text(12))
            for assessment, values in zip(assessments, score_plan)
            for criterion, value in zip(self.criteria[assessment.application.call_id], values)
        ]
        self._write("scores", Score, scores)
        self._write("decisions", Decision, decisions)

    def _awards(self):
        awards, self.award_indicators = [], {}
        for app in self.applications:
            if app.status != ApplicationStatus.APPROVED:
                continue
            commissioner = self.commissioners[self.call_borough[app.call_id]]
            first_quarter = FinancialQuarter(*self._quarter_after(app.call.closes_at.date() + dt.timedelta(days=45)))
            quarters = [first_quarter]
            while len(quarters) < QUARTERS_PER_AWARD:
                quarters.append(quarters[-1].next())
            start, end = quarters[0].start, quarters[-1].end
            allocation = self._allocation(self.call_themes[app.call_id])
            closed = end < self.today
            offered = app.call.closes_at + dt.timedelta(days=35)
            awards.append(
                Award(
                    reference=app.reference,
                    application=app,
                    call=app.call,
                    organisation=app.organisation,
                    recipient_name=app.organisation.name,  # bulk_create skips Award.save()
                    title=app.project_title,
                    description=app.summary,
                    amount=self.requested[app.pk],
                    amount_applied_for=self.requested[app.pk],
                    start_date=start,
                    end_date=end,
                    status=AwardStatus.CLOSED if closed else AwardStatus.ACTIVE,
                    offered_at=offered,
                    offered_by=commissioner,
                    accepted_at=offered + dt.timedelta(days=5),
                    accepted_by=self.org_users[app.organisation_id],
                    accepted_name="Authorised signatory",
                    final_spend=self.requested[app.pk] if closed else None,
                    closed_at=_aware(end + dt.timedelta(days=60)) if closed else None,
                    closed_by=commissioner if closed else None,
                    **allocation,
                )
            )
        self.awards = self._write("awards", Award, awards)
        variations = []
        for award in awards:
            # A few awards were varied: a documented change with before and after values.
            if self.rng.random() < 0.05:
                award.conditions = "Quarterly case-review meeting with the commissioner."
                variations.append(
                    Variation(
                        award=award,
                        reason="Delivery model adjusted after the first quarter.",
                        changes={"conditions": ["", award.conditions]},
                        approved_by=self.commissioners[self.call_borough[award.call_id]],
                    )
                )
        Award.objects.bulk_update([v.award for v in variations], ["conditions"], batch_size=BATCH)
        self._write("variations", Variation, variations)
        targets = []
        for award in awards:
            chosen = self.rng.sample(self.indicators, INDICATORS_PER_AWARD)
            self.award_indicators[award.pk] = chosen
            quarter = FinancialQuarter(*self._quarter_after(award.start_date))
            for _ in range(QUARTERS_PER_AWARD):
                for indicator in chosen:
                    targets.append(
                        IndicatorTarget(
                            award=award,
                            indicator=indicator,
                            financial_year=quarter.financial_year,
                            quarter=quarter.quarter,
                            target=_money(self.rng.randint(5, 60)),
                        )
                    )
                quarter = quarter.next()
        self._write("targets", IndicatorTarget, targets)

    def _quarter_after(self, day):
        """The first financial quarter starting on or after ``day``, as (financial year, quarter)."""
        year = financial_year_of(day)
        for quarter in range(1, 5):
            candidate = FinancialQuarter(year, quarter)
            if candidate.start >= day:
                return candidate.financial_year, candidate.quarter
        return year + 1, 1

    def _allocation(self, themes):
        slugs = [theme.slug for theme in themes]
        weights = [self.rng.randint(1, 10) for _ in slugs]
        shares = [FULL_ALLOCATION_BP * w // sum(weights) for w in weights]
        shares[0] += FULL_ALLOCATION_BP - sum(shares)  # integer basis points summing to exactly 10000
        allocation = {field: 0 for field in ALLOCATION_FIELDS.values()}
        for slug, share in zip(slugs, shares):
            allocation[ALLOCATION_FIELDS[slug]] = share
        return allocation

    def _returns_and_payments(self):
        returns = []
        for award in self.awards:
            quarter = FinancialQuarter(*self._quarter_after(award.start_date))
            provider = self.org_users[award.organisation_id]
            commissioner = self.commissioners[self.call_borough[award.call_id]]
            for _ in range(QUARTERS_PER_AWARD):
                due = quarter.end + dt.timedelta(days=settings.RETURN_DUE_DAYS)
                fields = self._return_state(quarter, due, provider, commissioner)
                returns.append(
                    QuarterlyReturn(
                        award=award,
                        financial_year=quarter.financial_year,
                        quarter=quarter.quarter,
                        period_start=quarter.start,
                        period_end=quarter.end,
                        due_date=due,
                        **fields,
                    )
                )
                quarter = quarter.next()
        self._write("quarterly returns", QuarterlyReturn, returns)
        results, rounds = [], []
        for ret in returns:
            if ret.status == ReturnStatus.NOT_STARTED:
                continue
            for indicator in self.award_indicators[ret.award_id]:
                results.append(
                    IndicatorResult(quarterly_return=ret, indicator=indicator, actual=_money(self.rng.randint(0, 70)))
                )
            if ret.submitted_at:
                approved = ret.status == ReturnStatus.APPROVED
                rounds.append(
                    ReturnRound(
                        quarterly_return=ret,
                        number=1,
                        submitted_at=ret.submitted_at,
                        submitted_by=ret.submitted_by,
                        snapshot={"progress_narrative": ret.progress_narrative},
                        outcome=ReturnRound.Outcome.APPROVED
                        if approved
                        else (
                            ReturnRound.Outcome.CHANGES_REQUESTED
                            if ret.status == ReturnStatus.CHANGES_REQUESTED
                            else ""
                        ),
                        reviewed_by=ret.approved_by if approved else None,
                        reviewed_at=ret.approved_at,
                    )
                )
        self._write("indicator results", IndicatorResult, results)
        self._write("return rounds", ReturnRound, rounds)
        payments = []
        by_award = {}
        for ret in returns:
            by_award.setdefault(ret.award_id, []).append(ret)
        for award in self.awards:
            instalment = (award.amount / QUARTERS_PER_AWARD).quantize(PENNY, rounding=ROUND_DOWN)
            award_returns = by_award[award.pk]
            for sequence, ret in enumerate(award_returns, start=1):
                # The last instalment takes the rounding remainder, so instalments sum to the award.
                amount = (
                    award.amount - instalment * (QUARTERS_PER_AWARD - 1)
                    if sequence == QUARTERS_PER_AWARD
                    else instalment
                )
                payment = Payment(
                    award=award,
                    sequence=sequence,
                    due_date=ret.due_date + dt.timedelta(days=14),
                    amount=amount,
                    quarterly_return=ret,
                )
                if ret.status == ReturnStatus.APPROVED:
                    payment.status = PaymentStatus.PAID
                    payment.approved_at = ret.approved_at
                    payment.approved_by = ret.approved_by
                    payment.paid_on = min(ret.approved_at.date() + dt.timedelta(days=10), self.today)
                    payment.payment_reference = f"PAY-{award.pk:06d}-{sequence:02d}"
                    payment.paid_recorded_by = ret.approved_by
                elif ret.is_overdue(self.today):
                    payment.status = PaymentStatus.HELD
                    payment.held_reason = "The quarterly return is overdue."
                payments.append(payment)
        self._write("payments", Payment, payments)

    def _return_state(self, quarter, due, provider, commissioner):
        """Status and dates of one return as of today: future ones not started, most past ones approved,
        some submitted late, a few overdue or sent back."""
        if quarter.end >= self.today:
            return {"status": ReturnStatus.NOT_STARTED}
        roll = self.rng.random()
        if due >= self.today:
            return {
                "status": ReturnStatus.DRAFT if roll < 0.5 else ReturnStatus.NOT_STARTED,
                "progress_narrative": self._text(20) if roll < 0.5 else "",
            }
        if roll < 0.05:
            return {"status": ReturnStatus.NOT_STARTED}  # overdue
        if roll < 0.08:
            return {"status": ReturnStatus.DRAFT, "progress_narrative": self._text(20)}  # overdue, started
        late = roll > 0.85
        submitted = (
            due + dt.timedelta(days=self.rng.randint(1, 40))
            if late
            else due - dt.timedelta(days=self.rng.randint(0, 20))
        )
        submitted = min(submitted, self.today - dt.timedelta(days=1))
        fields = {
            "progress_narrative": self._text(40),
            "challenges_and_risks": self._text(20),
            "safeguarding_incidents": self.rng.randint(0, 3),
            "submitted_at": _aware(submitted, 15),
            "submitted_by": provider,
            "status": ReturnStatus.SUBMITTED,
        }
        # Reviews take from a few days to five weeks, so the latest quarter's returns are partly still in review.
        approved = submitted + dt.timedelta(days=self.rng.randint(3, 35))
        if roll < 0.11:
            fields["status"] = ReturnStatus.CHANGES_REQUESTED
        elif approved < self.today:
            fields.update(status=ReturnStatus.APPROVED, approved_at=_aware(approved, 11), approved_by=commissioner)
        return fields


def generate(*, scale, seed=1, today=None, password=None, progress=None) -> Result:
    return Generator(scale=scale, seed=seed, today=today, password=password, progress=progress).run()
