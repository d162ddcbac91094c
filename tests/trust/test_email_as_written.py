"""Issue 11, item 6: emails arrive as written, and every failed send is recorded (and retried only when a retry
can help)."""

import datetime as dt
import smtplib
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import BadHeaderError
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from commissioning.models import (
    Application,
    AuditEntry,
    Call,
    Decision,
    Membership,
    Organisation,
    OrganisationNameChange,
    User,
)
from commissioning.notifications import (
    EMAIL_FAILED,
    EMAIL_GAVE_UP,
    MAX_ATTEMPTS,
    deliver_email,
    header_safe,
    is_transient,
    render_plain_text,
    send_templated_email,
)
from outcomes.models import Award, QuarterlyReturn
from tests import factories

HOSTILE = 'D\'Arcy & <Sons> "Ltd"'
ESCAPED = ("&#x27;", "&#39;", "&amp;", "&lt;", "&gt;", "&quot;")


def person():
    return User(email="darcy@example.org", first_name="D'Arcy", last_name="O'Neil & <Sons>")


def organisation():
    return Organisation(name=HOSTILE)


def application():
    call = Call(reference="BCSP-2026-01", title=f"Call {HOSTILE}")
    return Application(reference="BCSP-2026-01-001", project_title=HOSTILE, organisation=organisation(), call=call)


def award():
    return Award(
        pk=7,
        reference="BCSP-2026-01-001",
        organisation=organisation(),
        title=HOSTILE,
        amount=Decimal("7500.00"),
        start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2027, 3, 31),
    )


def quarterly_return():
    return QuarterlyReturn(pk=3, award=award(), financial_year=2026, quarter=2, due_date=dt.date(2026, 10, 21))


# Every plain-text email template, with the context its sender gives it, full of text that HTML would escape.
CONTEXTS = {
    "application_received.txt": lambda: {
        "application": application(),
        "call": application().call,
        "total": "£7,500.00",
        "submitted": "midday on 24 November 2026",
        "link": "/portal/applications/1/",
    },
    "award_offered.txt": lambda: {"award": award()},
    "confirm_email.txt": lambda: {"user": person(), "link": "/portal/confirm-email/x/", "days": 3},
    "decision.txt": lambda: {
        "application": application(),
        "decision": Decision(outcome="approve", approved_amount=Decimal("5000.00"), feedback=HOSTILE),
    },
    "membership_decided.txt": lambda: {
        "membership": Membership(user=person(), organisation=organisation()),
        "approved": True,
        "link": "/portal/",
    },
    "membership_requested.txt": lambda: {"requester": person(), "organisation": organisation(), "link": "/portal/"},
    "password_reset.txt": lambda: {
        "email": "o'neil@example.org",
        "protocol": "https",
        "domain": "grants.example.org",
        "uid": "MQ",
        "token": "abc-123",
    },
    "password_reset_subject.txt": lambda: {},
    "staff_password_reset.txt": lambda: {
        "email": "o'neil@example.org",
        "protocol": "https",
        "domain": "grants.example.org",
        "uid": "MQ",
        "token": "abc-123",
    },
    "name_change_decided.txt": lambda: {
        "change": OrganisationNameChange(old_name=HOSTILE, new_name="D'Arcy's Refuge", reason=HOSTILE),
        "approved": False,
        "link": "/portal/organisation/",
    },
    "staff_invitation.txt": lambda: {
        "user": person(),
        "inviter": User(email="admin@example.org", first_name="Siân", last_name="O'Brien"),
        "role": "Commissioner",
        "link": "/portal/invitation/MQ/abc-123/",
        "days": 3,
    },
    "return_changes_requested.txt": lambda: {"quarterly_return": quarterly_return(), "comments": HOSTILE},
    "return_due_soon.txt": lambda: {"quarterly_return": quarterly_return()},
    "return_overdue.txt": lambda: {"quarterly_return": quarterly_return()},
}


def test_every_email_template_has_a_case_here():
    on_disk = {path.name for path in (Path(settings.BASE_DIR) / "templates" / "emails").glob("*.txt")}
    assert on_disk == set(CONTEXTS)


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_no_plain_text_email_is_html_escaped(name):
    """Issue 11: 10 of 11 plain-text emails HTML-escaped their content ("Hello D&#x27;Arcy")."""
    body = render_plain_text(f"emails/{name}", {"site_url": "https://grants.example.org", **CONTEXTS[name]()})
    for entity in ESCAPED:
        assert entity not in body, f"{name} escapes: {body!r}"
    if name not in {
        "password_reset_subject.txt",
        "return_due_soon.txt",
        "return_overdue.txt",
        "password_reset.txt",
        "staff_password_reset.txt",
    }:
        assert "D'Arcy" in body or HOSTILE in body, f"{name}: {body!r}"


def test_money_and_dates_in_emails_use_the_one_format():
    body = render_plain_text("emails/award_offered.txt", {"site_url": "", **CONTEXTS["award_offered.txt"]()})
    assert "£7,500.00" in body and "1 April 2026 to 31 March 2027" in body
    body = render_plain_text("emails/return_due_soon.txt", {"site_url": "", **CONTEXTS["return_due_soon.txt"]()})
    assert "21 October 2026" in body


def test_the_email_engine_refuses_to_render_a_page():
    with pytest.raises(ValueError):
        render_plain_text("portal/dashboard.html", {})


@pytest.mark.django_db
def test_sign_up_email_greets_by_the_name_as_typed(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:sign_up"),
            {
                "first_name": "D'Arcy",
                "last_name": "O'Neil",
                "email": "darcy@example.org",
                "password": "a-long-and-unusual-passphrase",
                "password_confirm": "a-long-and-unusual-passphrase",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    [message] = mail.outbox
    assert message.body.startswith("Hello D'Arcy,")


@pytest.mark.django_db
def test_a_password_reset_is_written_and_sent_like_every_other_email(
    client, provider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:password_reset"), {"email": provider.email})
    [message] = mail.outbox
    assert message.subject == "Reset your password"
    assert "/portal/password-reset/" in message.body


@pytest.mark.django_db
def test_the_staff_password_reset_goes_the_same_way(client, commissioner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("wagtailadmin_password_reset"), {"email": commissioner.email})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.subject == "Reset your password"
    assert "/admin/password_reset/confirm/" in message.body and "staff account" in message.body


# --- headers ----------------------------------------------------------------------------------------------


def test_header_safe_makes_one_line():
    assert header_safe("Ann\r\nBcc: x@evil.example has\u2028asked\x00 to\u202e join") == (
        "Ann Bcc: x@evil.example has asked to join"
    )


@pytest.mark.django_db
def test_a_line_break_in_a_name_no_longer_stops_the_email(django_capture_on_commit_callbacks):
    """Issue 11: a line break in a first name made the join-request email fail silently."""
    from commissioning.services.accounts import request_to_join

    org = factories.OrganisationFactory(name="Bexley Women's Aid")
    admin = factories.provider_user(org)
    joiner = factories.UserFactory(first_name="Ann\nBcc: someone@evil.example", last_name="Lee")
    joiner.email_confirmed_at = joiner.date_joined
    joiner.save()
    with django_capture_on_commit_callbacks(execute=True):
        request_to_join(actor=joiner, organisation=org)
    [message] = mail.outbox
    assert message.to == [admin.email]
    assert "\n" not in message.subject and "Ann Bcc: someone@evil.example Lee" in message.subject
    assert message.bcc == []
    assert not AuditEntry.objects.filter(action__startswith="email.").exists()


# --- failures ---------------------------------------------------------------------------------------------


class RaisingBackend(BaseEmailBackend):
    """A mail backend that raises ``error`` on every send (class-level, set per test)."""

    error = ValueError("boom")
    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        raise type(self).error


@pytest.fixture
def raising_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RaisingBackend"
    RaisingBackend.attempts = 0
    return RaisingBackend


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error",
    [
        BadHeaderError("Header values can't contain newlines"),
        ValueError("something unexpected"),
        UnicodeEncodeError("ascii", "é", 0, 1, "ordinal not in range"),
        smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"No such user")}),
        smtplib.SMTPDataError(554, b"Message rejected"),
    ],
    ids=["header", "value", "unicode", "recipient-refused", "rejected"],
)
def test_a_permanent_failure_is_recorded_once_and_not_retried(raising_mail, error):
    raising_mail.error = error
    deliver_email.enqueue(to=["someone@example.org"], subject="Grant offer", body="Body")
    assert raising_mail.attempts == 1
    assert not AuditEntry.objects.filter(action=EMAIL_FAILED).exists()
    entry = AuditEntry.objects.get(action=EMAIL_GAVE_UP)
    assert entry.data["permanent"] is True and entry.data["attempt"] == 1
    assert type(error).__name__ in entry.comment


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPConnectError(421, b"Too busy"),
        smtplib.SMTPDataError(451, b"Try again later"),
        smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"Mailbox busy")}),
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("timed out"),
    ],
    ids=["disconnected", "connect", "451", "recipient-busy", "refused", "timeout"],
)
def test_a_transient_failure_is_retried_up_to_the_limit(raising_mail, error):
    raising_mail.error = error
    deliver_email.enqueue(to=["someone@example.org"], subject="Grant offer", body="Body")
    assert raising_mail.attempts == MAX_ATTEMPTS
    assert AuditEntry.objects.filter(action=EMAIL_FAILED).count() == MAX_ATTEMPTS - 1
    assert AuditEntry.objects.get(action=EMAIL_GAVE_UP).data["permanent"] is False


def test_transient_and_permanent_are_told_apart():
    assert is_transient(OSError("network down"))
    assert not is_transient(smtplib.SMTPAuthenticationError(535, b"bad credentials"))
    assert not is_transient(KeyError("x"))


@pytest.mark.django_db
def test_an_email_that_cannot_be_written_is_recorded_and_does_not_undo_the_action(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        send_templated_email(to="someone@example.org", subject="Hello", template="emails/no-such-template.txt")
    assert mail.outbox == []
    entry = AuditEntry.objects.get(action=EMAIL_GAVE_UP)
    assert "TemplateDoesNotExist" in entry.comment and entry.data["to"] == ["someone@example.org"]


@pytest.mark.django_db
def test_email_failures_lists_every_kind_of_failure(client, administrator, raising_mail):
    raising_mail.error = BadHeaderError("Header values can't contain newlines")
    deliver_email.enqueue(to=["someone@example.org"], subject="Your request to join", body="Body")
    client.force_login(administrator)
    content = client.get(reverse("email_failures")).content.decode()
    assert "No email has failed." not in content
    assert "Your request to join" in content and "BadHeaderError" in content
    assert "not retried" in content
