import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from commissioning.fiscal import LONDON
from commissioning.models import Application, ApplicationStatus, AuditEntry, Decision
from commissioning.services import applications as service
from tests import factories

from .conftest import make_call, make_complete

pytestmark = pytest.mark.django_db


def test_submit_assigns_reference_locks_emails_and_audits(
    client, provider, complete_draft, django_capture_on_commit_callbacks
):
    client.force_login(provider)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:submit", args=[complete_draft.pk]))
    assert response.url == reverse("portal:submitted", args=[complete_draft.pk])
    complete_draft.refresh_from_db()
    assert complete_draft.status == ApplicationStatus.SUBMITTED
    assert complete_draft.reference == f"{complete_draft.call.reference}-001"
    assert complete_draft.submitted_by == provider and complete_draft.submitted_at
    entry = AuditEntry.objects.get(action="application.submitted")
    assert (entry.actor, entry.from_state, entry.to_state) == (provider, "draft", "submitted")
    assert len(mail.outbox) == 1 and complete_draft.reference in mail.outbox[0].subject
    assert "Amount requested: £5,000.00" in mail.outbox[0].body
    receipt = client.get(response.url).content.decode()
    assert complete_draft.reference in receipt and "Application submitted" in receipt
    # Locked: sections redirect to the read-only view and services refuse changes.
    response = client.get(reverse("portal:section", args=[complete_draft.pk, "project"]))
    assert response.url == reverse("portal:application", args=[complete_draft.pk])
    with pytest.raises(Exception, match="can no longer be changed"):
        service.save_fields(actor=provider, application=complete_draft, values={"project_title": "New"})
    page = client.get(reverse("portal:application", args=[complete_draft.pk])).content.decode()
    assert "Withdraw this application" in page and "Some need and evidence" in page


def test_submission_is_idempotent(provider, complete_draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first, created = service.submit_application(actor=provider, application=complete_draft)
        stale = Application.objects.get(pk=complete_draft.pk)
        stale.status = ApplicationStatus.DRAFT  # what a second, simultaneous request had read
        again, created_again = service.submit_application(actor=provider, application=stale)
    assert created and not created_again
    assert again.reference == first.reference
    assert AuditEntry.objects.filter(action="application.submitted").count() == 1
    assert len(mail.outbox) == 1


def test_deliberate_second_submit_says_already_submitted(client, provider, complete_draft):
    service.submit_application(actor=provider, application=complete_draft)
    client.force_login(provider)
    response = client.post(reverse("portal:submit", args=[complete_draft.pk]), follow=True)
    assert "This application has already been submitted" in response.content.decode()
    assert AuditEntry.objects.filter(action="application.submitted").count() == 1


def test_references_numbered_per_call(provider, organisation, other_provider, other_organisation, open_call):
    first = make_complete(factories.ApplicationFactory(call=open_call, organisation=organisation, created_by=provider))
    second = make_complete(
        factories.ApplicationFactory(call=open_call, organisation=other_organisation, created_by=other_provider)
    )
    service.submit_application(actor=provider, application=first)
    service.submit_application(actor=other_provider, application=second)
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.reference, second.reference) == (f"{open_call.reference}-001", f"{open_call.reference}-002")


def test_submit_refused_after_deadline(client, provider, complete_draft):
    call = complete_draft.call
    closes = dt.datetime(2026, 5, 1, 12, 0, tzinfo=LONDON)
    call.opens_at = closes - dt.timedelta(days=30)
    call.closes_at = closes
    call.save()
    client.force_login(provider)
    response = client.post(reverse("portal:submit", args=[complete_draft.pk]), follow=True)
    assert (
        "This call closed at midday on 1 May 2026. Applications can no longer be submitted."
        in response.content.decode()
    )
    complete_draft.refresh_from_db()
    assert complete_draft.status == ApplicationStatus.DRAFT and complete_draft.reference is None
    assert not AuditEntry.objects.filter(action="application.submitted").exists()


def test_submit_refused_while_sections_incomplete(client, provider, draft):
    client.force_login(provider)
    page = client.get(reverse("portal:submit", args=[draft.pk])).content.decode()
    assert "You cannot submit yet" in page
    assert reverse("portal:section", args=[draft.pk, "budget"]) in page
    response = client.post(reverse("portal:submit", args=[draft.pk]), follow=True)
    assert "Complete every section before you submit" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_submit_refused_for_another_organisation(other_provider, complete_draft):
    from django.http import Http404

    with pytest.raises(Http404):
        service.submit_application(actor=other_provider, application=complete_draft)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submissions_get_distinct_references(organisation, other_organisation):
    """Two organisations submitting at once on PostgreSQL: the call row lock keeps references unique."""
    import threading

    from django.db import connection

    call = make_call()
    apps = []
    for org in (organisation, other_organisation):
        user = factories.provider_user(org)
        user.email_confirmed_at = timezone.now()
        user.save()
        apps.append((user, make_complete(factories.ApplicationFactory(call=call, organisation=org, created_by=user))))
    barrier = threading.Barrier(2)

    def run(user, application):
        barrier.wait()
        try:
            service.submit_application(actor=user, application=application)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in apps]
    [t.start() for t in threads]
    [t.join() for t in threads]
    references = sorted(Application.objects.filter(call=call).values_list("reference", flat=True))
    assert references == [f"{call.reference}-001", f"{call.reference}-002"]


# ---------------------------------------------------------------- withdrawal and decisions


@pytest.fixture
def submitted(provider, complete_draft):
    application, _ = service.submit_application(actor=provider, application=complete_draft)
    return application


def test_withdraw_with_reason(client, provider, submitted):
    client.force_login(provider)
    response = client.post(reverse("portal:withdraw", args=[submitted.pk]), {"reason": "Lost our premises."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.WITHDRAWN and submitted.withdrawn_reason == "Lost our premises."
    entry = AuditEntry.objects.get(action="application.withdrawn")
    assert (entry.from_state, entry.to_state, entry.comment) == ("submitted", "withdrawn", "Lost our premises.")


def test_withdraw_needs_a_reason(client, provider, submitted):
    client.force_login(provider)
    response = client.post(reverse("portal:withdraw", args=[submitted.pk]), {"reason": "  "})
    assert "Enter why you are withdrawing this application." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED


def test_withdraw_refused_after_decision(provider, submitted):
    Application.objects.filter(pk=submitted.pk).update(status=ApplicationStatus.APPROVED)
    submitted.refresh_from_db()
    with pytest.raises(Exception, match="cannot be withdrawn"):
        service.withdraw_application(actor=provider, application=submitted, reason="Changed our mind")
    assert not AuditEntry.objects.filter(action="application.withdrawn").exists()


def test_withdraw_refused_for_other_organisation(client, other_provider, submitted):
    client.force_login(other_provider)
    assert client.post(reverse("portal:withdraw", args=[submitted.pk]), {"reason": "x"}).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED


def test_after_withdrawal_org_can_apply_again(provider, organisation, submitted):
    service.withdraw_application(actor=provider, application=submitted, reason="Restarting")
    again = service.start_application(actor=provider, call=submitted.call, organisation=organisation)
    assert again.status == ApplicationStatus.DRAFT


def test_decision_feedback_shown_only_once_released(client, provider, commissioner, submitted):
    Application.objects.filter(pk=submitted.pk).update(status=ApplicationStatus.APPROVED)
    decision = Decision.objects.create(
        application=submitted,
        outcome="approve",
        approved_amount=Decimal("4000"),
        reduction_reason="Overheads trimmed.",
        feedback="Strong partnership plan.",
        decided_by=commissioner,
        decided_at=timezone.now(),
    )
    client.force_login(provider)
    page = client.get(reverse("portal:application", args=[submitted.pk])).content.decode()
    assert "Strong partnership plan." not in page and "Withdraw this application" not in page
    decision.released_at = timezone.now()
    decision.save()
    page = client.get(reverse("portal:application", args=[submitted.pk])).content.decode()
    assert "Strong partnership plan." in page and "£4,000.00" in page and "Overheads trimmed." in page
