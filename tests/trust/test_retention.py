"""Item 8: apply_retention anonymises old unsuccessful applications and deactivates unused provider accounts."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.utils import timezone

from commissioning import audit
from commissioning.models import (
    Answer,
    Application,
    ApplicationStatus,
    Attachment,
    AuditEntry,
    Decision,
    Score,
    Theme,
    User,
)
from commissioning.retention import ANONYMISED_TITLE
from commissioning.roles import Role
from tests import factories

NOW = timezone.now()
LONG_AGO = NOW - dt.timedelta(days=3 * 365)
RECENT = NOW - dt.timedelta(days=200)


def unsuccessful(status, ended_at, organisation=None, **kwargs):
    app = factories.ApplicationFactory(
        status=status,
        organisation=organisation or factories.OrganisationFactory(),
        reference=f"APP-{factories.ApplicationFactory._meta.model.objects.count() + 1:04d}",
        need_and_evidence="Named survivor details",
        delivery_plan="Plan",
        beneficiaries="Women in Erith",
        safeguarding_approach="Policy",
        themes_how="How",
        other_partners="Local church",
        **kwargs,
    )
    app.themes.set(Theme.objects.filter(slug__in=["prevention", "support"]))
    factories.BudgetLineFactory(application=app, amount=Decimal("12000.50"))
    question = app.call.questions.first()
    Answer.objects.create(application=app, question=question, text="Private answer")
    assessment = factories.AssessmentFactory(application=app, conflict_description="Knows the CEO")
    Score.objects.create(assessment=assessment, criterion=app.call.criteria.first(), score=2, comment="Weak plan")
    storage = storages["private"]
    name = storage.save(f"applications/{app.pk}/file", ContentFile(b"%PDF-1.4 private"))
    Attachment.objects.create(
        application=app,
        kind="other",
        file=name,
        original_name="policy.pdf",
        content_type="application/pdf",
        size=16,
        sha256="0" * 64,
    )
    if status == ApplicationStatus.REJECTED:
        Decision.objects.create(
            application=app,
            outcome="reject",
            feedback="Not funded because…",
            decided_by=factories.staff_user(Role.COMMISSIONER),
            decided_at=ended_at,
        )
    elif status == ApplicationStatus.WITHDRAWN:
        Application.objects.filter(pk=app.pk).update(withdrawn_at=ended_at, withdrawn_reason="Staff left")
    else:
        Application.objects.filter(pk=app.pk).update(ineligible_reason="No constitution")
        entry = audit.record(
            actor=None, action="application.ineligible", obj=app, from_state="submitted", to_state="ineligible"
        )
        # Back-date the audit entry the way time would have (the model refuses save() of existing rows).
        AuditEntry._base_manager.filter(pk=entry.pk).update(created_at=ended_at)
    app.refresh_from_db()
    return app


@pytest.fixture
def data(db):
    return {
        "old_rejected": unsuccessful(ApplicationStatus.REJECTED, LONG_AGO),
        "old_withdrawn": unsuccessful(ApplicationStatus.WITHDRAWN, LONG_AGO),
        "old_ineligible": unsuccessful(ApplicationStatus.INELIGIBLE, LONG_AGO),
        "recent_rejected": unsuccessful(ApplicationStatus.REJECTED, RECENT),
        "recent_ineligible": unsuccessful(ApplicationStatus.INELIGIBLE, RECENT),
        "approved": factories.ApplicationFactory(
            status=ApplicationStatus.APPROVED, reference="APP-OK", delivery_plan="Funded plan"
        ),
    }


@pytest.fixture
def accounts(db):
    idle = factories.provider_user()
    User.objects.filter(pk=idle.pk).update(last_login=NOW - dt.timedelta(days=800))
    never = factories.provider_user()
    User.objects.filter(pk=never.pk).update(last_login=None, date_joined=NOW - dt.timedelta(days=900))
    active = factories.provider_user()
    User.objects.filter(pk=active.pk).update(last_login=NOW - dt.timedelta(days=10))
    idle_staff = factories.staff_user(Role.ASSESSOR)
    User.objects.filter(pk=idle_staff.pk).update(last_login=NOW - dt.timedelta(days=1000))
    return {"idle": idle, "never": never, "active": active, "idle_staff": idle_staff}


def snapshot():
    return (
        list(Application.objects.order_by("pk").values()),
        list(User.objects.order_by("pk").values("pk", "is_active")),
        Attachment.objects.count(),
        AuditEntry.objects.count(),
    )


def run(*args):
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_dry_run_lists_and_changes_nothing(data, accounts):
    before = snapshot()
    output = run()
    assert snapshot() == before
    for key in ["old_rejected", "old_withdrawn", "old_ineligible"]:
        assert f"Would anonymise {data[key].reference}" in output
    for key in ["recent_rejected", "recent_ineligible", "approved"]:
        assert data[key].reference not in output
    assert f"Would deactivate account {accounts['idle'].email}" in output
    assert f"Would deactivate account {accounts['never'].email}" in output
    assert accounts["active"].email not in output and accounts["idle_staff"].email not in output
    assert "Nothing was changed" in output
    assert all(storages["private"].exists(a.file.name) for a in Attachment.objects.all())


@pytest.mark.django_db
def test_apply_anonymises_old_unsuccessful_and_keeps_statistics(data, accounts, django_capture_on_commit_callbacks):
    old = data["old_rejected"]
    total_before = old.total_requested
    themes_before = set(old.themes.values_list("pk", flat=True))
    files = list(Attachment.objects.filter(application=old).values_list("file", flat=True))
    with django_capture_on_commit_callbacks(execute=True):  # files go once the transaction commits
        output = run("--apply")
    assert "Anonymised 3 application(s) (3 attachment(s) deleted) and deactivated 2 account(s)." in output
    for key in ["old_rejected", "old_withdrawn", "old_ineligible"]:
        app = Application.objects.get(pk=data[key].pk)
        assert app.project_title == ANONYMISED_TITLE
        assert app.anonymised_at is not None
        for name in [
            "summary",
            "need_and_evidence",
            "delivery_plan",
            "beneficiaries",
            "safeguarding_approach",
            "themes_how",
            "other_partners",
            "withdrawn_reason",
            "ineligible_reason",
        ]:
            assert getattr(app, name) == "", name
        assert not app.attachments.exists()
        assert set(app.answers.values_list("text", flat=True)) == {""}
        assert set(Score.objects.filter(assessment__application=app).values_list("comment", flat=True)) == {""}
        assert set(app.assessments.values_list("conflict_description", flat=True)) == {""}
        # Kept for statistics.
        assert app.status == data[key].status
        assert app.call_id == data[key].call_id and app.organisation_id == data[key].organisation_id
        assert AuditEntry.objects.filter(
            action="retention.application_anonymised", object_id=str(app.pk), actor=None
        ).exists()
    old.refresh_from_db()
    assert Application.objects.get(pk=old.pk).total_requested == total_before == Decimal("12000.50")
    assert set(old.themes.values_list("pk", flat=True)) == themes_before
    assert Decision.objects.get(application=old).feedback == ""
    assert Decision.objects.get(application=old).outcome == "reject"
    assert not any(storages["private"].exists(name) for name in files)
    # Untouched.
    for key in ["recent_rejected", "recent_ineligible", "approved"]:
        app = Application.objects.get(pk=data[key].pk)
        assert app.anonymised_at is None and app.delivery_plan != ""
    assert Attachment.objects.filter(application=data["recent_rejected"]).exists()
    # Accounts.
    assert not User.objects.get(pk=accounts["idle"].pk).is_active
    assert not User.objects.get(pk=accounts["never"].pk).is_active
    assert User.objects.get(pk=accounts["active"].pk).is_active
    assert User.objects.get(pk=accounts["idle_staff"].pk).is_active  # never staff
    assert AuditEntry.objects.filter(action="retention.account_deactivated", actor=None).count() == 2


@pytest.mark.django_db
def test_apply_twice_changes_nothing_more(data, accounts):
    run("--apply")
    before = snapshot()
    output = run("--apply")
    assert "Anonymised 0 application(s) (0 attachment(s) deleted) and deactivated 0 account(s)." in output
    assert snapshot() == before


@pytest.mark.django_db
def test_period_is_a_setting(data, settings):
    settings.RETENTION_UNSUCCESSFUL_YEARS = 5
    assert "Would anonymise" not in run()
    settings.RETENTION_UNSUCCESSFUL_YEARS = 0
    output = run()
    assert f"Would anonymise {data['recent_rejected'].reference}" in output


@pytest.mark.django_db
def test_a_failure_rolls_back_and_keeps_files(data, monkeypatch, django_capture_on_commit_callbacks):
    from commissioning import retention

    calls = {"n": 0}
    original = retention.anonymise_application

    def failing(application, *, now):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(application, now=now)

    monkeypatch.setattr(retention, "anonymise_application", failing)
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        run("--apply")
    assert callbacks == []  # no file deletion was scheduled by the rolled-back run
    assert snapshot() == before
    assert all(storages["private"].exists(a.file.name) for a in Attachment.objects.all())
