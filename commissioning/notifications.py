"""Email: written as plain text, sent through the task interface, every failure recorded.

Writing: every email body (and the password-reset subject) is rendered by ``render_plain_text``, through the
"email" template engine (config/settings/base.py), which never HTML-escapes: a plain-text email says
"Hello D'Arcy", not "Hello D&#x27;Arcy". Templates live under templates/emails/ and need no
``{% autoescape off %}`` of their own. Anything that goes into a header (subject, addresses) is made one line
first, so a line break typed into a name cannot break the message.

Sending: email goes through the task interface so that a slow or failing mail server never slows or fails a
user's action. Tasks are enqueued on commit, so a rolled-back transition sends nothing. In production the
database backend only stores the task; the worker (``python manage.py db_worker``) sends it.

Failures: any exception while sending is recorded in the audit trail (administrators see it under Reports >
Email failures; with the database backend each attempt is also under Settings > Background tasks, with its
traceback). django-tasks has no automatic retry, so ``deliver_email`` retries itself where a retry can help
(the mail server could not be reached, or answered "try again later", a 4xx code), after a growing delay, up
to ``MAX_ATTEMPTS`` attempts. A permanent error (a 5xx refusal, a malformed message) is recorded as given up at
once: sending the same message again would fail the same way."""

import datetime as dt
import logging
import re
import smtplib
import unicodedata

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import engines
from django.utils import timezone
from django_tasks import task

from .audit import record

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Delay before attempt 2, 3, 4 and 5: about three hours in all, long enough to ride out a mail-server outage.
RETRY_DELAYS = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2))
EMAIL_FAILED = "email.failed"
EMAIL_GAVE_UP = "email.gave_up"
EMAIL_ENGINE = "email"


def render_plain_text(template, context):
    """Render an email template (``emails/….txt``) as plain text: never HTML-escaped."""
    if not (template.startswith("emails/") and template.endswith(".txt")):
        # The email engine does not escape: it must never render a page.
        raise ValueError(f"{template} is not a plain-text email template (emails/*.txt).")
    return engines[EMAIL_ENGINE].get_template(template).render(context)


def header_safe(value):
    """One line of text fit for an email header: control characters, line and paragraph separators and
    invisible format characters become spaces, and runs of spaces one."""
    cleaned = "".join(" " if unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} else char for char in str(value))
    return re.sub(r"\s+", " ", cleaned).strip()


def is_transient(error) -> bool:
    """Whether sending again later can succeed: the server could not be reached or dropped the connection,
    or it answered with a temporary (4xx) code. A 5xx refusal or a message we could not even build is
    permanent."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return False
    return isinstance(error, smtplib.SMTPException | OSError)


@task()
def deliver_email(*, to: list[str], subject: str, body: str, html_body: str = "", attempt: int = 1) -> int:
    try:
        message = EmailMultiAlternatives(
            subject=header_safe(subject),
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[header_safe(address) for address in to],
        )
        if html_body:
            message.attach_alternative(html_body, "text/html")
        return message.send()
    except Exception as exc:  # whatever it is, it is recorded: "Email failures" must never say nothing failed
        _retry_or_give_up(to=to, subject=subject, body=body, html_body=html_body, attempt=attempt, error=exc)
        raise  # the task result of this attempt is marked failed, with the traceback, by the backend


def _retry_or_give_up(*, to, subject, body, html_body, attempt, error):
    transient = is_transient(error)
    will_retry = transient and attempt < MAX_ATTEMPTS
    run_after = None
    retry = deliver_email
    if will_retry and retry.get_backend().supports_defer:
        run_after = timezone.now() + RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1]
        retry = retry.using(run_after=run_after)
    logger.warning("Email %r to %s failed on attempt %s: %r", subject, to, attempt, error)
    record_failure(
        to=to,
        subject=subject,
        error=error,
        gave_up=not will_retry,
        data={
            "attempt": attempt,
            "max_attempts": MAX_ATTEMPTS,
            "next_attempt_at": run_after.isoformat() if run_after else None,
            "permanent": not transient,
        },
    )
    if will_retry:
        # Backends that cannot defer (the immediate backend in tests and development) retry at once.
        retry.enqueue(to=to, subject=subject, body=body, html_body=html_body, attempt=attempt + 1)


def record_failure(*, to, subject, error, gave_up, data):
    record(
        actor=None,
        action=EMAIL_GAVE_UP if gave_up else EMAIL_FAILED,
        comment=f"{type(error).__name__}: {error}"[:1000],
        data={"to": [header_safe(address) for address in to], "subject": header_safe(subject), **data},
    )


def send_templated_email(*, to, subject, template, context=None):
    """Render ``template`` (a plain-text template under templates/emails/) and enqueue the email
    after the current transaction commits. ``to`` is an address or a list of addresses.

    An email that cannot be written (a template error) is recorded as a failure, never raised: like a mail
    server being down, it must not undo the action that sent it."""
    recipients = [to] if isinstance(to, str) else [address for address in to if address]
    if not recipients:
        return
    subject = header_safe(subject)
    context = {"site_url": settings.SITE_URL, **(context or {})}
    try:
        body = render_plain_text(template, context)
    except Exception as exc:
        logger.exception("Email %r could not be written from %s", subject, template)
        record_failure(
            to=recipients,
            subject=subject,
            error=exc,
            gave_up=True,
            data={"attempt": 0, "max_attempts": MAX_ATTEMPTS, "next_attempt_at": None, "permanent": True},
        )
        return
    transaction.on_commit(lambda: deliver_email.enqueue(to=recipients, subject=subject, body=body))
