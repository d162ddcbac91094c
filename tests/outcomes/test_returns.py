import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from commissioning.limits import figure_range
from commissioning.models import AuditEntry, BudgetLine, Indicator
from outcomes.models import AwardStatus, PaymentStatus, ReturnStatus
from outcomes.services import returns as services
from outcomes.services.payments import approve_payment, hold_payment, record_payment

pytestmark = pytest.mark.django_db
AFTER = dt.date(2026, 11, 24)


def complete_return(quarterly_return, provider, **overrides):
    results = {indicator.pk: Decimal("9") for indicator, _ in services.return_indicators(quarterly_return)}
    spend = {line.pk: Decimal("1000.00") for line in services.return_budget_lines(quarterly_return)}
    fields = {
        "progress_narrative": "We ran 12 groups.",
        "challenges_and_risks": "Recruitment.",
        "safeguarding_incidents": 0,
        **overrides,
    }
    return services.save_return_draft(
        quarterly_return=quarterly_return, actor=provider, results=results, spend=spend, fields=fields
    )


def first_return(award):
    return award.returns.order_by("financial_year", "quarter").first()


@pytest.mark.parametrize(
    "unit, raw, expected",
    [
        ("count", "12", Decimal("12")),
        ("percentage", "99.5", Decimal("99.5")),
        ("pounds", "£1,250.50", Decimal("1250.50")),
        ("days", "3", Decimal("3")),
    ],
)
def test_figures_parse_by_unit(unit, raw, expected):
    assert figure_range(unit).parse(raw) == expected


@pytest.mark.parametrize(
    "unit, raw, message",
    [
        ("count", "twelve", "a whole number between 0 and 1,000,000"),
        ("count", "1.5", "a whole number"),
        ("count", "-1", "between 0 and"),
        ("percentage", "101", "between 0 and 100"),
        ("pounds", "1.234", "pounds and pence"),
        ("days", "-2", "between 0 and 3,650"),
    ],
)
def test_bad_figures_are_refused_with_what_was_expected(unit, raw, message):
    with pytest.raises(ValueError, match=message):
        figure_range(unit).parse(raw)


def test_return_indicators_and_budget_lines(active_award):
    quarterly_return = first_return(active_award)
    indicators = services.return_indicators(quarterly_return)
    assert [(i.code, t) for i, t in indicators] == [
        ("survivors-supported-women", Decimal("10")),
        ("survivors-feeling-safer", Decimal("80")),
    ]
    assert [line.description for line in services.return_budget_lines(quarterly_return)] == [
        "Support worker",
        "Venue hire",
    ]


def test_draft_save_is_audited_once_and_keeps_parts(active_award, provider):
    quarterly_return = first_return(active_award)
    women = Indicator.objects.get(code="survivors-supported-women")
    services.save_return_draft(quarterly_return=quarterly_return, actor=provider, results={women.pk: Decimal("4")})
    services.save_return_draft(
        quarterly_return=quarterly_return, actor=provider, fields={"progress_narrative": "Going well"}
    )
    quarterly_return.refresh_from_db()
    assert quarterly_return.status == ReturnStatus.DRAFT
    assert quarterly_return.results.get().actual == Decimal("4")
    assert quarterly_return.progress_narrative == "Going well"
    assert AuditEntry.objects.filter(action="return.draft").count() == 1


def test_draft_refused_for_other_organisations_offered_and_closed_awards(award, other_provider, provider):
    quarterly_return = first_return(award)
    with pytest.raises(PermissionDenied):
        services.save_return_draft(quarterly_return=quarterly_return, actor=other_provider, fields={})
    with pytest.raises(ValidationError, match="once the grant agreement has been accepted"):
        services.save_return_draft(quarterly_return=quarterly_return, actor=provider, fields={})
    type(award).objects.filter(pk=award.pk).update(status=AwardStatus.CLOSED)
    with pytest.raises(ValidationError, match="closed, so it accepts no more returns"):
        services.save_return_draft(quarterly_return=quarterly_return, actor=provider, fields={})


def test_submit_refused_before_the_quarter_ends_and_when_incomplete(active_award, provider):
    quarterly_return = first_return(active_award)
    complete_return(quarterly_return, provider)
    with pytest.raises(ValidationError, match="Q1 2025/26 ends on 30 June 2025"):
        services.submit_return(quarterly_return=quarterly_return, actor=provider, today=dt.date(2025, 6, 30))
    services.save_return_draft(
        quarterly_return=quarterly_return,
        actor=provider,
        fields={"case_study": "A woman we supported...", "safeguarding_incidents": None},
    )
    with pytest.raises(ValidationError) as error:
        services.submit_return(quarterly_return=quarterly_return, actor=provider, today=AFTER)
    assert "Enter the number of safeguarding incidents (enter 0 if there were none)." in error.value.messages
    assert "Confirm that no one can be identified from the case study, or remove it." in error.value.messages


def test_submit_approve_and_payment_release(active_award, provider, commissioner):
    quarterly_return = first_return(active_award)
    complete_return(quarterly_return, provider)
    services.submit_return(quarterly_return=quarterly_return, actor=provider, today=AFTER)
    quarterly_return.refresh_from_db()
    assert quarterly_return.status == ReturnStatus.SUBMITTED
    assert quarterly_return.rounds.get().snapshot["progress_narrative"] == "We ran 12 groups."
    assert AuditEntry.objects.filter(action="return.submitted", actor=provider).exists()
    with pytest.raises(PermissionDenied):
        services.approve_return(quarterly_return=quarterly_return, actor=provider)
    services.approve_return(quarterly_return=quarterly_return, actor=commissioner, comments="Thanks")
    quarterly_return.refresh_from_db()
    assert quarterly_return.status == ReturnStatus.APPROVED
    assert quarterly_return.payment.status == PaymentStatus.APPROVED
    assert AuditEntry.objects.filter(action="return.approved", actor=commissioner).exists()
    assert AuditEntry.objects.filter(action="payment.approved").exists()
    with pytest.raises(ValidationError, match="only submitted returns can be approved"):
        services.approve_return(quarterly_return=quarterly_return, actor=commissioner)


def test_changes_requested_then_resubmitted_keeps_every_round(
    active_award, provider, commissioner, django_capture_on_commit_callbacks
):
    quarterly_return = first_return(active_award)
    complete_return(quarterly_return, provider)
    services.submit_return(quarterly_return=quarterly_return, actor=provider, today=AFTER)
    with pytest.raises(ValidationError, match="what the provider needs to change"):
        services.request_return_changes(quarterly_return=quarterly_return, actor=commissioner, comments="")
    with pytest.raises(PermissionDenied):
        services.request_return_changes(quarterly_return=quarterly_return, actor=provider, comments="x")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_return_changes(
            quarterly_return=quarterly_return, actor=commissioner, comments="Split by quarter"
        )
    assert any("Changes requested" in m.subject for m in mail.outbox)
    assert AuditEntry.objects.filter(action="return.changes_requested", comment="Split by quarter").exists()
    complete_return(quarterly_return, provider, progress_narrative="Revised")
    quarterly_return.refresh_from_db()
    assert quarterly_return.status == ReturnStatus.CHANGES_REQUESTED
    services.submit_return(quarterly_return=quarterly_return, actor=provider, today=AFTER)
    rounds = list(quarterly_return.rounds.order_by("number"))
    assert [(r.number, r.outcome) for r in rounds] == [(1, "changes_requested"), (2, "")]
    assert rounds[1].snapshot["progress_narrative"] == "Revised"


def test_payments_record_paid_hold_and_refusals(active_award, commissioner, provider):
    payment = active_award.payments.order_by("sequence").first()
    with pytest.raises(ValidationError, match="only approved payments"):
        record_payment(payment=payment, actor=commissioner, paid_on=dt.date(2025, 8, 1), reference="R1")
    with pytest.raises(PermissionDenied):
        approve_payment(payment=payment, actor=provider)
    held = hold_payment(payment=payment, actor=None, reason="Return overdue")
    assert held.status == PaymentStatus.HELD
    assert AuditEntry.objects.filter(action="payment.held", actor=None).exists()
    approve_payment(payment=payment, actor=commissioner)
    with pytest.raises(ValidationError, match="Enter the payment reference"):
        record_payment(payment=payment, actor=commissioner, paid_on=dt.date(2025, 8, 1), reference=" ")
    with pytest.raises(PermissionDenied):
        record_payment(payment=payment, actor=provider, paid_on=dt.date(2025, 8, 1), reference="R1")
    paid = record_payment(payment=payment, actor=commissioner, paid_on=dt.date(2025, 8, 1), reference="BACS-77")
    assert (paid.status, paid.paid_on, paid.payment_reference) == (PaymentStatus.PAID, dt.date(2025, 8, 1), "BACS-77")
    assert AuditEntry.objects.filter(action="payment.paid", actor=commissioner).exists()


def test_closed_award_refuses_payments(active_award, commissioner):
    payment = active_award.payments.order_by("sequence").first()
    type(active_award).objects.filter(pk=active_award.pk).update(status=AwardStatus.CLOSED)
    with pytest.raises(ValidationError, match="closed, so it accepts no more payments"):
        approve_payment(payment=payment, actor=commissioner)


def test_reminders_are_sent_once_each_and_overdue_payments_are_held(
    active_award, provider, commissioner, django_capture_on_commit_callbacks
):
    q1, q2 = list(active_award.returns.order_by("financial_year", "quarter"))[:2]
    # 14 July 2025: Q1 (due 21 July) is due within 7 days.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_return_reminders", today=dt.date(2025, 7, 14), stdout=open("/dev/null", "w"))
    assert [m.subject for m in mail.outbox] == [
        f"Your Q1 2025/26 return for {active_award.reference} is due on 21 July 2025"
    ]
    assert mail.outbox[0].to == [provider.email]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_return_reminders", today=dt.date(2025, 7, 15), stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1
    # 22 July: overdue. One overdue email, the payment held; a second run changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_return_reminders", today=dt.date(2025, 7, 22), stdout=open("/dev/null", "w"))
        call_command("send_return_reminders", today=dt.date(2025, 7, 23), stdout=open("/dev/null", "w"))
    assert [m.subject.startswith("Overdue") for m in mail.outbox] == [False, True]
    q1.refresh_from_db()
    assert q1.payment.status == PaymentStatus.HELD and "due on 21 July 2025" in q1.payment.held_reason
    assert q2.payment.status == PaymentStatus.SCHEDULED
    # Approving the late return releases the held payment.
    complete_return(q1, provider)
    services.submit_return(quarterly_return=q1, actor=provider, today=AFTER)
    services.approve_return(quarterly_return=q1, actor=commissioner)
    q1.payment.refresh_from_db()
    assert q1.payment.status == PaymentStatus.APPROVED and q1.payment.held_reason == ""


def test_budget_line_spend_is_limited_to_the_return_year(active_award, provider):
    quarterly_return = first_return(active_award)
    other_year = BudgetLine.objects.create(
        application=active_award.application,
        category="staff",
        description="Next year",
        financial_year=2026,
        amount=Decimal("1"),
    )
    services.save_return_draft(quarterly_return=quarterly_return, actor=provider, spend={other_year.pk: Decimal("5")})
    assert not quarterly_return.spend_lines.exists()


def test_hold_and_approve_refused_in_the_wrong_state(award, active_award, commissioner):
    payment = active_award.payments.order_by("sequence").first()
    approve_payment(payment=payment, actor=commissioner)
    with pytest.raises(ValidationError, match="approved for payment, so it cannot be held"):
        hold_payment(payment=payment, actor=None, reason="Late")
    with pytest.raises(ValidationError, match="cannot be approved"):
        approve_payment(payment=payment, actor=commissioner)


def test_payments_cannot_be_approved_before_acceptance(award, commissioner):
    with pytest.raises(ValidationError, match="once the award has been accepted"):
        approve_payment(payment=award.payments.first(), actor=commissioner)


def test_future_payment_dates_are_refused(active_award, commissioner):
    payment = approve_payment(payment=active_award.payments.first(), actor=commissioner)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        record_payment(
            payment=payment, actor=commissioner, paid_on=dt.date.today() + dt.timedelta(days=5), reference="R"
        )
