"""Email goes through the task interface so that a slow or failing mail server never slows or fails a
user's action. Tasks are enqueued on commit, so a rolled-back transition sends nothing.

In production the database backend only stores the task; the worker (``python manage.py db_worker``) sends
it. django-tasks has no automatic retry, so ``deliver_email`` retries itself: a failed attempt is recorded
in the audit trail (administrators see it under Reports > Email failures; with the database backend each
attempt is also under Settings > Background tasks, with its traceback) and the email is enqueued
again after a growing delay, up to ``MAX_ATTEMPTS`` attempts."""

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from .audit import record

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Delay before attempt 2, 3, 4 and 5: about three hours in all, long enough to ride out a mail-server outage.
RETRY_DELAYS = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2))
EMAIL_FAILED = "email.failed"
EMAIL_GAVE_UP = "email.gave_up"


@task()
def deliver_email(*, to: list[str], subject: str, body: str, html_body: str = "", attempt: int = 1) -> int:
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    try:
        return message.send()
    except (smtplib.SMTPException, OSError) as exc:
        _retry_or_give_up(to=to, subject=subject, body=body, html_body=html_body, attempt=attempt, error=exc)
        raise  # the task result of this attempt is marked failed, with the traceback, by the backend


def _retry_or_give_up(*, to, subject, body, html_body, attempt, error):
    will_retry = attempt < MAX_ATTEMPTS
    run_after = None
    retry = deliver_email
    if will_retry and retry.get_backend().supports_defer:
        run_after = timezone.now() + RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1]
        retry = retry.using(run_after=run_after)
    logger.warning("Email %r to %s failed on attempt %s: %s", subject, to, attempt, error)
    record(
        actor=None,
        action=EMAIL_FAILED if will_retry else EMAIL_GAVE_UP,
        comment=f"{type(error).__name__}: {error}"[:1000],
        data={
            "to": to,
            "subject": subject,
            "attempt": attempt,
            "max_attempts": MAX_ATTEMPTS,
            "next_attempt_at": run_after.isoformat() if run_after else None,
        },
    )
    if will_retry:
        # Backends that cannot defer (the immediate backend in tests and development) retry at once.
        retry.enqueue(to=to, subject=subject, body=body, html_body=html_body, attempt=attempt + 1)


def send_templated_email(*, to, subject, template, context=None):
    """Render ``template`` (a plain-text template under templates/emails/) and enqueue the email
    after the current transaction commits. ``to`` is an address or a list of addresses."""
    recipients = [to] if isinstance(to, str) else [address for address in to if address]
    if not recipients:
        return
    context = {"site_url": settings.SITE_URL, **(context or {})}
    # A subject is a header: names in it (typed before one-line fields were enforced) may hold line breaks.
    subject = " ".join(str(subject).split())
    body = render_to_string(template, context)
    transaction.on_commit(lambda: deliver_email.enqueue(to=recipients, subject=subject, body=body))
