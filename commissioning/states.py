"""The application lifecycle: which status may follow which, and who may move it.

Every status change goes through ``change_application_status``: it checks the current state and the
actor's permission, saves, and writes one audit entry, inside the caller's transaction (or its own).
Services (submit, withdraw, mark ineligible, decide, ...) call it after their own checks.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from .audit import record
from .models import Application
from .models import ApplicationStatus as S
from .permissions import can
from .roles import Action

# (from, to) -> the action whose holder may make that move.
APPLICATION_TRANSITIONS: dict[tuple[str, str], Action] = {
    (S.DRAFT, S.SUBMITTED): Action.APPLY,
    (S.SUBMITTED, S.WITHDRAWN): Action.APPLY,
    (S.UNDER_ASSESSMENT, S.WITHDRAWN): Action.APPLY,
    (S.SCORED, S.WITHDRAWN): Action.APPLY,
    (S.MODERATED, S.WITHDRAWN): Action.APPLY,
    (S.RESERVE, S.WITHDRAWN): Action.APPLY,
    (S.SUBMITTED, S.INELIGIBLE): Action.CHECK_ELIGIBILITY,
    (S.SUBMITTED, S.UNDER_ASSESSMENT): Action.ASSIGN_ASSESSORS,
    (S.UNDER_ASSESSMENT, S.SCORED): Action.SCORE_APPLICATION,
    (S.UNDER_ASSESSMENT, S.INELIGIBLE): Action.CHECK_ELIGIBILITY,
    (S.SCORED, S.UNDER_ASSESSMENT): Action.MODERATE,  # a commissioner reopens scoring
    (S.SCORED, S.MODERATED): Action.MODERATE,
    (S.MODERATED, S.APPROVED): Action.DECIDE,
    (S.MODERATED, S.REJECTED): Action.DECIDE,
    (S.MODERATED, S.RESERVE): Action.DECIDE,
    (S.SCORED, S.APPROVED): Action.DECIDE,
    (S.SCORED, S.REJECTED): Action.DECIDE,
    (S.SCORED, S.RESERVE): Action.DECIDE,
    (S.RESERVE, S.APPROVED): Action.DECIDE,
    (S.RESERVE, S.REJECTED): Action.DECIDE,
}

# Statuses after which the provider may no longer withdraw.
DECIDED = {S.APPROVED, S.REJECTED, S.INELIGIBLE, S.WITHDRAWN}


class TransitionError(ValidationError):
    """A move the lifecycle does not allow from the current state (shown to the user as a message)."""


def allowed_transitions(application):
    return [to for (frm, to) in APPLICATION_TRANSITIONS if frm == application.status]


def change_application_status(application, to_status, *, actor, comment="", data=None, check_permission=True):
    """Move ``application`` to ``to_status``. Locks the row, re-reads its status, checks the move and
    the actor's permission, saves and audits. Returns the application (refreshed)."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        from_status = locked.status
        action = APPLICATION_TRANSITIONS.get((from_status, to_status))
        if action is None:
            raise TransitionError(
                f"This application is {locked.get_status_display().lower()}, so it cannot be moved to "
                f"{S(to_status).label.lower()}.",
                code="invalid_transition",
            )
        if check_permission and not can(actor, action, locked):
            raise PermissionDenied("You do not have permission to do that.")
        locked.status = to_status
        locked.save(update_fields=["status", "updated_at"])
        record(
            actor=actor,
            action=f"application.{to_status}",
            obj=locked,
            from_state=from_status,
            to_state=to_status,
            comment=comment,
            data=data,
        )
    application.status = to_status
    application.refresh_from_db()
    return application
