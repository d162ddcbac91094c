"""Issue 14, item 4: staff screens (and the portal) show words, never stored codes.

Renders every staff screen and the provider's portal pages on the demo programme (plus a variation, so the
variation history shows) and fails if the visible text holds a raw status code (``changes_requested``,
``under_assessment``), an audit action code (``application.submitted``), a model field's Python name
("Object repr") or a Python dict. Single-word statuses ("submitted") are English words too, so only codes that
cannot be words are looked for.
"""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from commissioning.labels import ACTION_LABELS
from commissioning.models import (
    Application,
    ApplicationStatus,
    AssessmentStatus,
    AuditEntry,
    Call,
    DecisionOutcome,
    IncomeBand,
    IndicatorKind,
    IndicatorUnit,
    LegalForm,
    MembershipStatus,
    User,
)
from outcomes.models import Award, AwardStatus, PaymentStatus, QuarterlyReturn, ReturnStatus
from tests.readable import visible_text

pytestmark = pytest.mark.django_db

STATUS_CHOICES = [
    ApplicationStatus,
    AssessmentStatus,
    DecisionOutcome,
    MembershipStatus,
    IndicatorUnit,
    IndicatorKind,
    LegalForm,
    IncomeBand,
    AwardStatus,
    PaymentStatus,
    ReturnStatus,
]


def raw_codes():
    codes = {value for choices in STATUS_CHOICES for value in choices.values if "_" in value}
    codes |= set(ACTION_LABELS) | set(AuditEntry.objects.values_list("action", flat=True))
    return codes


def problems_on(html, codes, where):
    text = visible_text(html)
    found = [code for code in codes if re.search(rf"(?<![\w.]){re.escape(code)}(?![\w])", text)]
    if "Object repr" in text:
        found.append("Object repr")
    if re.search(r"\{'[a-z_]+':", text):
        found.append("a Python dict")
    return [f"{where}: shows {item!r}" for item in found]


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    from outcomes.services.awards import vary_award

    award = Award.objects.filter(status=AwardStatus.ACTIVE).first()
    vary_award(
        award=award,
        actor=User.objects.get(email="commissioner@example.org"),
        reason="More referrals than planned",
        amount=award.amount + Decimal("500.00"),
    )
    return award


def get_all(client, urls, codes):
    problems = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        problems += problems_on(response.content, codes, url)
    return problems


def test_staff_and_portal_screens_show_no_raw_codes(client, demo):
    codes = raw_codes()
    problems = []
    call = Call.objects.get(reference="BCSP-2026-01")
    applications = list(Application.objects.filter(call=call))

    client.force_login(User.objects.get(email="admin@example.org"))
    urls = [
        reverse("wagtailadmin_home"),
        reverse("assessment_admin:index"),
        reverse("assessment_admin:applications", args=[call.pk]),
        reverse("assessment_admin:moderation", args=[call.pk]),
        *[reverse("assessment_admin:application", args=[a.pk]) for a in applications],
        reverse("outcomes_admin:awards"),
        reverse("outcomes_admin:returns"),
        reverse("outcomes_admin:payments"),
        *[reverse("outcomes_admin:award", args=[a.pk]) for a in Award.objects.all()],
        reverse("outcomes_admin:award_vary", args=[demo.pk]),
        reverse("outcomes_admin:award_close", args=[demo.pk]),
        *[reverse("outcomes_admin:return_review", args=[r.pk]) for r in QuarterlyReturn.objects.all()[:12]],
        reverse("audit:index"),
        reverse("reporting:dashboard"),
        reverse("email_failures"),
        reverse("wagtailusers_users:index"),
        reverse("bcsp_help:index"),
        reverse("calls:index"),
        reverse("calls:inspect", args=[call.pk]),
        reverse("indicators:index"),
        reverse("organisations:index"),
    ]
    # The audit trail, every page of it, and one entry of every kind.
    pages = (AuditEntry.objects.count() // 50) + 1
    urls += [f"{reverse('audit:index_results')}?p={page}" for page in range(1, pages + 1)]
    for action in AuditEntry.objects.values_list("action", flat=True).distinct():
        entry = AuditEntry.objects.filter(action=action).first()
        urls.append(reverse("audit:inspect", args=[entry.pk]))
    problems += get_all(client, urls, codes)

    client.force_login(User.objects.get(email="assessor1@example.org"))
    under = next(a for a in applications if a.status == ApplicationStatus.UNDER_ASSESSMENT)
    problems += get_all(
        client,
        [
            reverse("wagtailadmin_home"),
            reverse("assessment_admin:index"),
            reverse("assessment_admin:score", args=[under.pk]),
        ],
        codes,
    )

    provider = User.objects.get(email="provider@example.org")
    client.force_login(provider)
    own_awards = Award.objects.filter(organisation__memberships__user=provider)
    urls = [reverse("portal:dashboard"), reverse("outcomes_portal:awards")]
    for award in own_awards:
        urls += [
            reverse("outcomes_portal:award", args=[award.pk]),
            reverse("outcomes_portal:agreement", args=[award.pk]),
        ]
        urls += [reverse("outcomes_portal:return", args=[r.pk]) for r in award.returns.all()]
    for application in Application.objects.filter(organisation__memberships__user=provider).exclude(status="draft"):
        urls.append(reverse("portal:application", args=[application.pk]))
    problems += get_all(client, urls, codes)

    assert not problems, "\n".join(problems)


def test_the_check_finds_a_raw_code():
    """The test above can fail: a page showing a code is caught, its label is not."""
    codes = {"changes_requested", "application.submitted"}
    assert problems_on("<td>changes_requested</td>", codes, "page")
    assert problems_on("<p>application.submitted</p>", codes, "page")
    assert problems_on("<th>Object repr</th>", codes, "page")
    assert problems_on("<td>{'amount': ['1', '2']}</td>", codes, "page")
    assert not problems_on('<option value="changes_requested">Changes requested</option>', codes, "page")


def test_every_action_the_code_writes_has_a_label():
    """A new audit action without a label would read as words from its code; say it properly instead."""
    from pathlib import Path

    from django.conf import settings

    written = set()
    for folder in ("commissioning", "outcomes", "cms"):
        for path in Path(settings.BASE_DIR, folder).rglob("*.py"):
            written |= set(re.findall(r'action="([a-z_]+\.[a-z_0-9]+)"', path.read_text()))
    written |= {f"application.{status}" for status in ApplicationStatus.values}
    written |= {"membership.approved", "membership.rejected", "return.reminder_due", "return.reminder_overdue"}
    written |= {"email.failed", "email.gave_up", "role.added", "role.removed"}
    missing = sorted(written - set(ACTION_LABELS))
    assert not missing, f"Add labels to commissioning/labels.py ACTION_LABELS for: {missing}"
