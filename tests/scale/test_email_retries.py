import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend

from commissioning import notifications
from commissioning.models import Application, ApplicationStatus, AuditEntry
from commissioning.notifications import EMAIL_FAILED, EMAIL_GAVE_UP, MAX_ATTEMPTS, deliver_email, send_templated_email
from commissioning.states import change_application_status


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses the first ``failures`` messages (class-level, reset per test)."""

    failures = 10**6
    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        if type(self).attempts <= type(self).failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        mail.outbox.extend(messages)
        return len(messages)


@pytest.fixture
def failing_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    FailingBackend.attempts = 0
    FailingBackend.failures = 10**6
    return FailingBackend


@pytest.fixture
def fixed_body(monkeypatch):
    # The delivery path is under test here, not rendering: no email templates exist in this branch.
    monkeypatch.setattr(notifications, "render_plain_text", lambda template, context: "Your application was received.")


@pytest.fixture
def draft(open_call, organisation, provider):
    return Application.objects.create(call=open_call, organisation=organisation, created_by=provider)


def test_failing_mail_server_does_not_fail_the_transition(
    draft, provider, failing_mail, fixed_body, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            change_application_status(draft, ApplicationStatus.SUBMITTED, actor=provider)
            send_templated_email(to=provider.email, subject="Application received", template="emails/x.txt")
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED
    # The immediate backend cannot defer, so every attempt runs at once: all five were tried and recorded.
    assert failing_mail.attempts == MAX_ATTEMPTS
    assert AuditEntry.objects.filter(action=EMAIL_FAILED).count() == MAX_ATTEMPTS - 1
    gave_up = AuditEntry.objects.get(action=EMAIL_GAVE_UP)
    assert gave_up.data["to"] == [provider.email]
    assert gave_up.data["attempt"] == MAX_ATTEMPTS
    assert "SMTPServerDisconnected" in gave_up.comment
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_transient_failure_is_retried_and_delivered(failing_mail):
    failing_mail.failures = 2
    deliver_email.enqueue(to=["someone@example.test"], subject="Hello", body="Body")
    assert len(mail.outbox) == 1
    assert AuditEntry.objects.filter(action=EMAIL_FAILED).count() == 2
    assert not AuditEntry.objects.filter(action=EMAIL_GAVE_UP).exists()


def test_a_rolled_back_transition_sends_nothing(draft, provider, fixed_body, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                send_templated_email(to=provider.email, subject="Application received", template="emails/x.txt")
                raise RuntimeError("the transition failed")
    assert mail.outbox == []


@pytest.mark.django_db
def test_backends_that_defer_get_a_delayed_retry(settings, failing_mail):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    before = timezone.now()
    with pytest.raises(smtplib.SMTPException):
        deliver_email.call(to=["someone@example.test"], subject="Hello", body="Body")
    [retry] = default_task_backend.results
    assert retry.kwargs["attempt"] == 2
    assert retry.task.run_after >= before + dt.timedelta(minutes=1)
    entry = AuditEntry.objects.get(action=EMAIL_FAILED)
    assert entry.data["next_attempt_at"]


@pytest.mark.django_db
def test_the_last_attempt_is_not_retried(settings, failing_mail):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with pytest.raises(smtplib.SMTPException):
        deliver_email.call(to=["someone@example.test"], subject="Hello", body="Body", attempt=MAX_ATTEMPTS)
    assert default_task_backend.results == []
    assert AuditEntry.objects.filter(action=EMAIL_GAVE_UP).count() == 1


def test_administrators_see_failed_emails(client, administrator, failing_mail):
    deliver_email.enqueue(to=["someone@example.test"], subject="Grant offer", body="Body")
    client.force_login(administrator)
    response = client.get(reverse("email_failures"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Grant offer" in content and "someone@example.test" in content and "Given up" in content


def test_commissioners_cannot_see_the_failure_report(client, commissioner):
    client.force_login(commissioner)
    response = client.get(reverse("email_failures"))
    # Wagtail turns PermissionDenied into a redirect to the dashboard with a "no permission" message.
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")


def test_the_report_is_empty_when_nothing_failed(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("email_failures"))
    assert "No email has failed." in response.content.decode()


@pytest.mark.django_db
def test_administrators_see_background_task_results_read_only(client, administrator, commissioner):
    from django_tasks_db.models import DBTaskResult

    result = DBTaskResult.objects.create(
        task_path="commissioning.notifications.deliver_email",
        args_kwargs={"args": [], "kwargs": {}},
        status="FAILED",
        exception_class_path="smtplib.SMTPServerDisconnected",
        traceback="Traceback: refused",
        queue_name="default",
        backend_name="default",
        priority=0,
    )
    client.force_login(administrator)
    listing = client.get(reverse("task_results:index"))
    assert listing.status_code == 200 and "smtplib.SMTPServerDisconnected" in listing.content.decode()
    inspect = client.get(reverse("task_results:inspect", args=[result.pk]))
    assert "Traceback: refused" in inspect.content.decode()
    assert client.get(reverse("task_results:edit", args=[result.pk])).status_code == 302  # refused
    client.force_login(commissioner)
    assert client.get(reverse("task_results:index")).status_code == 302


def test_production_backend_only_enqueues(
    settings, draft, provider, failing_mail, fixed_body, django_capture_on_commit_callbacks
):
    """With the database backend (production) the request only stores the task: the mail server is not
    contacted until the worker (`manage.py db_worker`) runs it, so a slow server cannot slow the request."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            change_application_status(draft, ApplicationStatus.SUBMITTED, actor=provider)
            send_templated_email(to=provider.email, subject="Application received", template="emails/x.txt")
    assert failing_mail.attempts == 0
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "commissioning.notifications.deliver_email" and queued.status == "READY"


@pytest.mark.django_db
def test_production_backend_stores_the_retry_for_later(settings, failing_mail):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with pytest.raises(smtplib.SMTPException):
        deliver_email.call(to=["someone@example.test"], subject="Hello", body="Body")
    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after > timezone.now()
    # Not yet due: the worker leaves it alone until run_after.
    assert not DBTaskResult.objects.ready().exists()
