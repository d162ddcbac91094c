import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum

from commissioning.models import Application, ApplicationStatus, Call, Organisation, Score, User
from outcomes import synthetic
from outcomes.models import ALLOCATION_FIELDS, FULL_ALLOCATION_BP, Award, IndicatorResult, Payment, QuarterlyReturn
from tests import factories

TODAY = dt.date(2026, 11, 24)
SCALE = 0.1


def build(seed=7, scale=SCALE, **options):
    out = StringIO()
    call_command("generate_synthetic", scale=scale, seed=seed, today=TODAY, stdout=out, **options)
    return out.getvalue()


def fingerprint():
    """Everything that identifies the data, without primary keys or creation timestamps."""
    return {
        "orgs": list(Organisation.objects.order_by("name").values_list("name", "legal_form", "income_band")),
        "users": list(User.objects.order_by("email").values_list("email", "first_name", "last_name")),
        "calls": list(
            Call.objects.order_by("reference").values_list("reference", "opens_at", "closes_at", "max_grant")
        ),
        "apps": list(
            Application.objects.order_by("call__reference", "organisation__name").values_list(
                "call__reference", "organisation__name", "status", "reference", "project_title"
            )
        ),
        "scores": sorted(
            Score.objects.values_list(
                "assessment__application__reference", "assessment__assessor__email", "criterion__name", "score"
            )
        ),
        "awards": list(
            Award.objects.order_by("reference").values_list(
                "reference", "amount", "start_date", *ALLOCATION_FIELDS.values()
            )
        ),
        "returns": list(
            QuarterlyReturn.objects.order_by("award__reference", "financial_year", "quarter").values_list(
                "award__reference", "financial_year", "quarter", "status", "submitted_at"
            )
        ),
        "payments": list(
            Payment.objects.order_by("award__reference", "sequence").values_list(
                "award__reference", "sequence", "amount", "status", "paid_on"
            )
        ),
        "results": sorted(
            IndicatorResult.objects.values_list(
                "quarterly_return__award__reference",
                "quarterly_return__financial_year",
                "quarterly_return__quarter",
                "indicator__code",
                "actual",
            )
        ),
    }


@pytest.mark.django_db
def test_builds_consistent_data_in_proportion():
    output = build()
    assert "built in" in output
    counts = synthetic.Counts.for_scale(SCALE)
    assert Call.objects.count() == counts.calls
    assert Application.objects.count() == counts.applications
    assert Organisation.objects.filter(name__startswith="Synthetic ").count() == counts.organisations
    awards = Award.objects.count()
    approved = Application.objects.filter(status=ApplicationStatus.APPROVED).count()
    assert awards == approved > 0
    # Most applications are turned down (rejected after assessment or ineligible); about a quarter funded.
    decided = Application.objects.filter(call__closes_at__lt=synthetic._aware(TODAY)).count()
    assert 0.2 < approved / decided < 0.32
    turned_down = Application.objects.filter(
        status__in=[ApplicationStatus.REJECTED, ApplicationStatus.INELIGIBLE]
    ).count()
    assert turned_down > decided / 2
    assert QuarterlyReturn.objects.count() == Payment.objects.count() == awards * synthetic.QUARTERS_PER_AWARD
    assessed = Application.objects.filter(status__in=synthetic.ASSESSED).count()
    assert Score.objects.count() == assessed * synthetic.ASSESSORS_PER_APPLICATION * synthetic.CRITERIA_PER_CALL
    with_results = QuarterlyReturn.objects.exclude(status="not_started").count()
    assert IndicatorResult.objects.count() == with_results * synthetic.INDICATORS_PER_AWARD


@pytest.mark.django_db
def test_invariants_hold():
    build()
    for award in Award.objects.all():
        assert sum(getattr(award, f) for f in ALLOCATION_FIELDS.values()) == FULL_ALLOCATION_BP
        assert award.reference == award.application.reference
    sums = Payment.objects.values("award").annotate(total=Sum("amount"), n=Count("id"))
    amounts = dict(Award.objects.values_list("pk", "amount"))
    for row in sums:
        assert row["total"] == amounts[row["award"]]
    assert not Payment.objects.filter(status="paid", paid_on__isnull=True).exists()
    assert Payment.objects.filter(status="paid").exists() and Payment.objects.filter(status="held").exists()
    assert not Payment.objects.filter(amount__lt=0).exists()
    assert set(QuarterlyReturn.objects.values_list("quarter", flat=True)) == {1, 2, 3, 4}
    # Some returns were late, some are overdue now.
    late = [r for r in QuarterlyReturn.objects.exclude(submitted_at=None) if r.submitted_at.date() > r.due_date]
    assert late
    assert QuarterlyReturn.objects.overdue(TODAY).exists()
    for ref in Call.objects.values_list("reference", flat=True):
        assert re.fullmatch(r"SYN\d{2}-\d{4}-\d{2}", ref)
    for ref in Application.objects.exclude(reference=None).values_list("reference", flat=True):
        assert re.fullmatch(r"SYN\d{2}-\d{4}-\d{2}-\d{3}", ref)
    assert not Application.objects.filter(status="draft").exclude(reference=None).exists()
    assert not User.objects.exclude(email__endswith="@synthetic.example").exists()
    # Every call but each borough's latest is closed; the open one has drafts and submissions.
    assert Call.objects.open(synthetic._aware(TODAY)).count() == 1


@pytest.mark.django_db
def test_same_seed_gives_same_data():
    build(seed=3)
    first = fingerprint()
    build(seed=3, replace=True)
    assert fingerprint() == first
    build(seed=4, replace=True)
    assert fingerprint() != first


@pytest.mark.django_db
def test_refuses_a_database_with_real_data_unless_forced(organisation):
    with pytest.raises(CommandError, match="did not make"):
        build()
    assert not Organisation.objects.filter(name__startswith="Synthetic ").exists()
    build(force=True)
    assert Organisation.objects.filter(name__startswith="Synthetic ").exists()
    assert Organisation.objects.filter(pk=organisation.pk).exists()


@pytest.mark.django_db
def test_refuses_to_build_twice_without_replace():
    build()
    with pytest.raises(CommandError, match="--replace"):
        build()


@pytest.mark.django_db
def test_staff_accounts_count_as_real_data():
    factories.staff_user("Administrator")
    with pytest.raises(CommandError):
        build()


def test_scale_must_be_positive():
    with pytest.raises(ValueError):
        synthetic.Counts.for_scale(0)


def test_counts_grow_with_scale():
    one, ten = synthetic.Counts.for_scale(1), synthetic.Counts.for_scale(10)
    assert (one.calls, one.applications, one.organisations) == (25, 1000, 300)
    assert (ten.calls, ten.applications, ten.organisations, ten.boroughs) == (250, 10000, 3000, 10)
