import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from commissioning.models import AuditEntry, MembershipRole
from outcomes.models import AwardStatus, PaymentBasis, PaymentStatus, ReturnStatus, Variation
from outcomes.services import awards as services
from outcomes.services.common import split_money
from tests import factories

from .conftest import approved_application, award_for

pytestmark = pytest.mark.django_db


def test_default_allocation_is_an_even_split_with_the_remainder_on_the_last_theme():
    assert services.default_allocation(["support", "trust"]) == {
        "prevention": 0,
        "support": 5000,
        "perpetrators": 0,
        "trust": 5000,
    }
    three = services.default_allocation(["prevention", "support", "trust"])
    assert three == {"prevention": 3333, "support": 3333, "perpetrators": 0, "trust": 3334}
    assert sum(three.values()) == 10000


def test_allocation_percentages_must_add_up_to_exactly_100():
    assert services.allocation_from_percentages(
        {"prevention": "33.33", "support": "33.33", "perpetrators": "0", "trust": "33.34"}
    ) == {"prevention": 3333, "support": 3333, "perpetrators": 0, "trust": 3334}
    with pytest.raises(ValidationError, match=r"add up to exactly 100%. They add up to 99.99%"):
        services.allocation_from_percentages({"prevention": "33.33", "support": "33.33", "trust": "33.33"})
    with pytest.raises(ValidationError, match="at most 2 decimal places"):
        services.allocation_from_percentages({"prevention": "50.001", "trust": "49.999"})


def test_yearly_targets_are_spread_by_unit():
    assert services.spread_target("count", Decimal("10"), 4) == [2, 2, 2, 4]
    assert services.spread_target("pounds", Decimal("100.00"), 3) == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]
    assert services.spread_target("percentage", Decimal("80"), 4) == [Decimal("80")] * 4
    assert services.spread_target("days", Decimal("5"), 2) == [Decimal("5")] * 2


def test_split_money_sums_exactly_with_pennies_on_the_last():
    parts = split_money(Decimal("10000.01"), 3)
    assert parts == [Decimal("3333.33"), Decimal("3333.33"), Decimal("3333.35")]
    assert sum(parts) == Decimal("10000.01")


def test_award_offered_with_returns_payments_and_targets(application, commissioner):
    award = award_for(application, commissioner, amount=Decimal("10000.03"))
    assert award.status == AwardStatus.OFFERED
    assert award.reference == application.reference
    assert (award.support_bp, award.trust_bp, award.prevention_bp) == (5000, 5000, 0)
    returns = list(award.returns.order_by("financial_year", "quarter"))
    assert [(r.financial_year, r.quarter) for r in returns] == [(2025, 1), (2025, 2), (2025, 3), (2025, 4)]
    assert returns[0].due_date == dt.date(2025, 7, 21)
    payments = list(award.payments.order_by("sequence"))
    assert [p.amount for p in payments] == [Decimal("2500.00")] * 3 + [Decimal("2500.03")]
    assert sum(p.amount for p in payments) == award.amount
    assert [p.quarterly_return_id for p in payments] == [r.pk for r in returns]
    assert all(p.status == PaymentStatus.SCHEDULED for p in payments)
    targets = {(t.indicator.code, t.quarter): t.target for t in award.targets.select_related("indicator")}
    assert targets[("survivors-supported-women", 1)] == 10
    assert targets[("survivors-feeling-safer", 4)] == 80
    assert AuditEntry.objects.filter(action="award.offered", object_id=str(award.pk), actor=commissioner).exists()
    assert AuditEntry.objects.filter(action="payment.scheduled").count() == 4


def test_partial_quarters_get_returns(organisation, call, commissioner):
    application = approved_application(organisation=organisation, call=call)
    award = award_for(application, commissioner, start_date=dt.date(2025, 5, 15), end_date=dt.date(2025, 10, 14))
    returns = list(award.returns.order_by("financial_year", "quarter"))
    assert [(r.quarter, r.period_start, r.period_end) for r in returns] == [
        (1, dt.date(2025, 5, 15), dt.date(2025, 6, 30)),
        (2, dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
        (3, dt.date(2025, 10, 1), dt.date(2025, 10, 14)),
    ]
    assert returns[2].due_date == dt.date(2026, 1, 21)


def test_payment_in_advance_needs_a_reason_and_is_released_by_the_previous_return(application, commissioner):
    with pytest.raises(ValidationError, match="reason for paying in advance"):
        award_for(application, commissioner, payment_basis=PaymentBasis.ADVANCE)
    award = award_for(application, commissioner, payment_basis=PaymentBasis.ADVANCE, advance_reason="Start-up costs")
    payments = list(award.payments.order_by("sequence"))
    returns = list(award.returns.order_by("financial_year", "quarter"))
    assert payments[0].quarterly_return is None and payments[0].due_date == award.start_date
    assert [p.quarterly_return_id for p in payments[1:]] == [r.pk for r in returns[:-1]]
    assert sum(p.amount for p in payments) == award.amount


def test_award_refused_without_the_role(application, provider):
    with pytest.raises(PermissionDenied):
        award_for(application, provider)


def test_award_refused_when_longer_than_the_call_allows(organisation, commissioner):
    call = factories.CallFactory(max_project_months=12)
    application = approved_application(organisation=organisation, call=call)
    with pytest.raises(ValidationError, match="up to 12 months: the end date must be on or before 31 March 2026"):
        award_for(application, commissioner, end_date=dt.date(2026, 4, 1))


def test_award_refused_for_an_unapproved_application_or_twice(application, commissioner):
    award_for(application, commissioner)
    with pytest.raises(ValidationError, match="already has an award"):
        award_for(application, commissioner)


def test_budget_control_refuses_over_commitment(organisation, other_organisation, commissioner):
    call = factories.CallFactory(total_budget=Decimal("20000.00"), max_grant=Decimal("20000.00"), max_project_months=24)
    first = approved_application(organisation=organisation, call=call, amount=Decimal("15000.00"))
    second = approved_application(organisation=other_organisation, call=call, amount=Decimal("6000.00"))
    award_for(first, commissioner)
    with pytest.raises(services.BudgetExceeded, match=r"£15,000.00 is already committed, leaving £5,000.00"):
        award_for(second, commissioner)
    assert not hasattr(second, "award") or second.award is None


def test_declined_awards_free_their_budget(organisation, other_organisation, commissioner, provider):
    call = factories.CallFactory(total_budget=Decimal("20000.00"), max_grant=Decimal("20000.00"), max_project_months=24)
    first = award_for(
        approved_application(organisation=organisation, call=call, amount=Decimal("15000.00")), commissioner
    )
    services.decline_award(award=first, actor=provider, reason="We merged with another charity.")
    second = award_for(
        approved_application(organisation=other_organisation, call=call, amount=Decimal("20000.00")), commissioner
    )
    assert second.amount == Decimal("20000.00")
    assert set(first.payments.values_list("status", flat=True)) == {PaymentStatus.CANCELLED}


def test_accept_records_name_time_and_user(award, provider):
    accepted = services.accept_award(award=award, actor=provider, typed_name="Pat Provider")
    assert accepted.status == AwardStatus.ACTIVE
    assert accepted.accepted_by == provider and accepted.accepted_name == "Pat Provider" and accepted.accepted_at
    assert AuditEntry.objects.filter(
        action="award.accepted", object_id=str(award.pk), actor=provider, from_state="offered", to_state="active"
    ).exists()
    assert AuditEntry.objects.filter(action="award.active", object_id=str(award.pk)).exists()


def test_accept_refused_for_members_other_organisations_blank_names_and_twice(
    award, organisation, other_provider, provider
):
    member = factories.provider_user(organisation, org_role=MembershipRole.MEMBER)
    with pytest.raises(PermissionDenied):
        services.accept_award(award=award, actor=member, typed_name="Mo Member")
    with pytest.raises(PermissionDenied):
        services.accept_award(award=award, actor=other_provider, typed_name="Other")
    with pytest.raises(ValidationError, match="Type your full name"):
        services.accept_award(award=award, actor=provider, typed_name=" ")
    services.accept_award(award=award, actor=provider, typed_name="Pat Provider")
    with pytest.raises(ValidationError, match="active, so it cannot be accepted"):
        services.accept_award(award=award, actor=provider, typed_name="Pat Provider")


def test_decline_needs_a_reason_and_is_audited(award, provider):
    with pytest.raises(ValidationError, match="why you are declining"):
        services.decline_award(award=award, actor=provider, reason="")
    declined = services.decline_award(award=award, actor=provider, reason="Capacity")
    assert declined.status == AwardStatus.DECLINED
    assert AuditEntry.objects.filter(action="award.declined", comment="Capacity").exists()
    with pytest.raises(ValidationError):
        services.accept_award(award=award, actor=provider, typed_name="Pat Provider")


def test_variation_of_amount_and_end_date_adjusts_payments_and_returns(active_award, commissioner):
    from commissioning.models import ProposedTarget

    outcome = active_award.application.proposed_outcomes.get(indicator__code="survivors-supported-women")
    ProposedTarget.objects.create(outcome=outcome, financial_year=2026, target=Decimal("30"))
    variation = services.vary_award(
        award=active_award,
        actor=commissioner,
        reason="Extra demand",
        amount=Decimal("13000.00"),
        end_date=dt.date(2026, 6, 30),
    )
    active_award.refresh_from_db()
    assert variation.changes["amount"] == ["12000.00", "13000.00"]
    assert variation.changes["end_date"] == ["2026-03-31", "2026-06-30"]
    assert variation.approved_by == commissioner
    assert active_award.returns.count() == 5
    # The added quarter gets the proposed 2026/27 target (one quarter of the year in the award: all 30).
    assert active_award.targets.get(financial_year=2026, quarter=1).target == Decimal("30")
    live = active_award.payments.exclude(status=PaymentStatus.CANCELLED)
    assert live.count() == 5
    assert sum(live.values_list("amount", flat=True)) == Decimal("13000.00")
    audit = AuditEntry.objects.get(action="award.varied")
    assert audit.comment == "Extra demand" and audit.data["amount"] == ["12000.00", "13000.00"]


def test_variation_keeps_paid_instalments_and_respects_the_budget(active_award, commissioner, organisation):
    from outcomes.services.payments import approve_payment, record_payment

    first = active_award.payments.order_by("sequence").first()
    approve_payment(payment=first, actor=commissioner)
    record_payment(payment=first, actor=commissioner, paid_on=dt.date(2025, 8, 1), reference="BACS-1")
    services.vary_award(
        award=active_award,
        actor=commissioner,
        reason="Reduced scope",
        amount=Decimal("9000.00"),
        end_date=dt.date(2025, 12, 31),
    )
    live = list(active_award.payments.exclude(status=PaymentStatus.CANCELLED).order_by("sequence"))
    assert [p.amount for p in live] == [Decimal("3000.00"), Decimal("3000.00"), Decimal("3000.00")]
    assert active_award.returns.count() == 3
    with pytest.raises(services.BudgetExceeded):
        services.vary_award(award=active_award, actor=commissioner, reason="Too much", amount=Decimal("200000.00"))


def test_variation_of_allocation_and_targets(active_award, commissioner):
    target = active_award.targets.select_related("indicator").first()
    key = (target.indicator_id, target.financial_year, target.quarter)
    services.vary_award(
        award=active_award,
        actor=commissioner,
        reason="Refocus",
        allocation={"prevention": 0, "support": 7500, "perpetrators": 0, "trust": 2500},
        targets={key: Decimal("15")},
    )
    active_award.refresh_from_db()
    target.refresh_from_db()
    assert (active_award.support_bp, active_award.trust_bp) == (7500, 2500)
    assert target.target == Decimal("15")
    assert Variation.objects.get().changes["allocation_bp"][1]["support"] == 7500


def test_variation_refused_without_reason_role_or_change(active_award, commissioner, provider):
    with pytest.raises(PermissionDenied):
        services.vary_award(award=active_award, actor=provider, reason="x", amount=Decimal("1"))
    with pytest.raises(ValidationError, match="reason for the variation"):
        services.vary_award(award=active_award, actor=commissioner, reason="", amount=Decimal("1"))
    with pytest.raises(ValidationError, match="Nothing has changed"):
        services.vary_award(award=active_award, actor=commissioner, reason="x", amount=active_award.amount)


def _approve_all_returns(award, provider, commissioner):
    from outcomes.services import returns as return_services

    from .test_returns import complete_return

    for quarterly_return in award.returns.order_by("financial_year", "quarter"):
        complete_return(quarterly_return, provider)
        return_services.submit_return(quarterly_return=quarterly_return, actor=provider, today=dt.date(2026, 11, 24))
        return_services.approve_return(quarterly_return=quarterly_return, actor=commissioner)


def test_closure_after_the_final_return(active_award, provider, commissioner):
    from outcomes.services.payments import record_payment

    with pytest.raises(ValidationError, match="final quarterly return must be approved"):
        services.close_award(
            award=active_award, actor=commissioner, final_spend=Decimal("0"), clawback_amount=Decimal("0")
        )
    _approve_all_returns(active_award, provider, commissioner)
    with pytest.raises(ValidationError, match="Record the approved payments"):
        services.close_award(
            award=active_award, actor=commissioner, final_spend=Decimal("11500"), clawback_amount=Decimal("500")
        )
    for payment in active_award.payments.all():
        record_payment(payment=payment, actor=commissioner, paid_on=dt.date(2026, 5, 1), reference=f"P{payment.pk}")
    with pytest.raises(PermissionDenied):
        services.close_award(award=active_award, actor=provider, final_spend=Decimal("1"), clawback_amount=Decimal("0"))
    with pytest.raises(ValidationError, match="0 or more"):
        services.close_award(
            award=active_award, actor=commissioner, final_spend=Decimal("11500"), clawback_amount=Decimal("-1")
        )
    closed = services.close_award(
        award=active_award,
        actor=commissioner,
        final_spend=Decimal("11500.00"),
        clawback_amount=Decimal("500.00"),
        notes="Underspend on venue hire",
    )
    assert closed.status == AwardStatus.CLOSED and closed.clawback_amount == Decimal("500.00")
    assert AuditEntry.objects.filter(action="award.closed", to_state="closed").exists()
    assert active_award.returns.filter(status=ReturnStatus.APPROVED).count() == 4
