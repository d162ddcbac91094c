"""Email goes through the task interface so that a slow or failing mail server never slows or fails a
user's action. Tasks are enqueued on commit, so a rolled-back transition sends nothing."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django_tasks import task


@task()
def deliver_email(*, to: list[str], subject: str, body: str, html_body: str = "") -> int:
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()


def send_templated_email(*, to, subject, template, context=None):
    """Render ``template`` (a plain-text template under templates/emails/) and enqueue the email
    after the current transaction commits. ``to`` is an address or a list of addresses."""
    recipients = [to] if isinstance(to, str) else [address for address in to if address]
    if not recipients:
        return
    context = {"site_url": settings.SITE_URL, **(context or {})}
    body = render_to_string(template, context)
    transaction.on_commit(lambda: deliver_email.enqueue(to=recipients, subject=subject, body=body))
