import pytest
from django.core.management import call_command
from django.test import override_settings

from outcomes.models import Award, IndicatorResult, IndicatorTarget, PaymentStatus, QuarterlyReturn

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_demo_has_a_living_programme_and_is_idempotent():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    first = (Award.objects.count(), QuarterlyReturn.objects.count(), IndicatorResult.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert (Award.objects.count(), QuarterlyReturn.objects.count(), IndicatorResult.objects.count()) == first
    assert set(Award.objects.values_list("status", flat=True)) == {"offered", "active", "closed"}
    allocated = {
        field
        for award in Award.objects.all()
        for field in ("prevention_bp", "support_bp", "perpetrators_bp", "trust_bp")
        if getattr(award, field)
    }
    assert len(allocated) == 4
    statuses = set(QuarterlyReturn.objects.values_list("status", flat=True))
    assert {"approved", "submitted", "draft"} <= statuses
    assert QuarterlyReturn.objects.overdue().exists()
    assert {PaymentStatus.PAID, PaymentStatus.APPROVED, PaymentStatus.HELD} <= set(
        Award.objects.values_list("payments__status", flat=True)
    )
    # Reporting needs red, amber and green indicators: actual as a share of target.
    ratios = set()
    for result in IndicatorResult.objects.select_related("quarterly_return"):
        target = IndicatorTarget.objects.get(
            award=result.quarterly_return.award,
            indicator=result.indicator,
            financial_year=result.quarterly_return.financial_year,
            quarter=result.quarterly_return.quarter,
        ).target
        if target:
            ratios.add(round(float(result.actual / target), 1))
    assert any(r >= 0.9 for r in ratios) and 0.8 in ratios and 0.5 in ratios


@override_settings(DEBUG=True)
def test_demo_pages_render_for_staff_and_providers(client):
    from django.urls import reverse

    from commissioning.models import User

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    client.force_login(User.objects.get(email="commissioner@example.org"))
    for name in ("outcomes_admin:awards", "outcomes_admin:returns", "outcomes_admin:payments", "wagtailadmin_home"):
        assert client.get(reverse(name)).status_code == 200
    submitted = QuarterlyReturn.objects.filter(status="submitted").first()
    assert "Your review" in client.get(reverse("outcomes_admin:return_review", args=[submitted.pk])).content.decode()
    for award in Award.objects.all():
        assert client.get(reverse("outcomes_admin:award", args=[award.pk])).status_code == 200
    client.force_login(User.objects.get(email="provider@example.org"))
    award = Award.objects.get(organisation__name="Bexley Women's Aid Network")
    assert client.get(reverse("outcomes_portal:awards")).status_code == 200
    assert "Quarterly returns" in client.get(reverse("outcomes_portal:award", args=[award.pk])).content.decode()
    for quarterly_return in award.returns.all():
        assert client.get(reverse("outcomes_portal:return", args=[quarterly_return.pk])).status_code == 200
