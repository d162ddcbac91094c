"""Staff screen for new names of funded organisations: approve or reject each (services.accounts)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_POST

from ..models import NameChangeStatus, OrganisationNameChange
from ..permissions import require
from ..roles import Action
from ..services import accounts

app_name = "name_changes"
RECENT = 20


def index(request):
    require(request.user, Action.APPROVE_NAME_CHANGES)
    changes = OrganisationNameChange.objects.select_related("organisation", "requested_by", "decided_by")
    return TemplateResponse(
        request,
        "commissioning/admin/name_changes.html",
        {
            "pending": list(changes.pending().order_by("requested_at", "pk")),
            "decided": list(changes.exclude(status=NameChangeStatus.PENDING)[:RECENT]),
            "recent": RECENT,
        },
    )


@require_POST
def decide(request, pk):
    require(request.user, Action.APPROVE_NAME_CHANGES)
    change = get_object_or_404(OrganisationNameChange, pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        accounts.decide_name_change(
            actor=request.user, change=change, approve=approve, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, f"{change.organisation}: {' '.join(exc.messages)}")
    else:
        verb = "approved" if approve else "rejected"
        messages.success(request, f"You {verb} the new name “{change.new_name}” for {change.old_name}.")
    return redirect("name_changes:index")


urlpatterns = [
    path("", index, name="index"),
    path("<int:pk>/decide/", decide, name="decide"),
]
