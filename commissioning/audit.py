"""Writing the audit trail. Every transition service calls ``record`` inside its transaction."""

from django.contrib.contenttypes.models import ContentType

from .models import AuditEntry
from .permissions import organisation_of


def record(*, actor, action, obj=None, from_state="", to_state="", comment="", data=None, organisation=None):
    """Append one audit entry. ``actor`` may be None for system actions (cron, retention)."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        organisation=organisation or organisation_of(obj),
        from_state=str(from_state or ""),
        to_state=str(to_state or ""),
        comment=comment or "",
        data=data or {},
    )
