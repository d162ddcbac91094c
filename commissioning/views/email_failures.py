"""Administrators' report of emails that could not be delivered (each failed attempt, and those given up)."""

from django.core.paginator import Paginator
from django.shortcuts import render

from ..models import AuditEntry
from ..notifications import EMAIL_FAILED, EMAIL_GAVE_UP, MAX_ATTEMPTS
from ..permissions import require
from ..roles import Action


def email_failures(request):
    require(request.user, Action.VIEW_AUDIT)
    entries = AuditEntry.objects.filter(action__in=[EMAIL_FAILED, EMAIL_GAVE_UP]).order_by("-created_at", "-pk")
    page = Paginator(entries, 50).get_page(request.GET.get("p"))
    return render(
        request,
        "commissioning/email_failures.html",
        {
            "page": page,
            "max_attempts": MAX_ATTEMPTS,
            "gave_up": EMAIL_GAVE_UP,
        },
    )
