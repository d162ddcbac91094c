"""Writing the audit trail. Every transition service calls ``record`` inside its transaction."""

from django.contrib.contenttypes.models import ContentType

from .models import AuditEntry


def _organisation_of(obj):
    for path in ("organisation", "application.organisation", "award.organisation"):
        target = obj
        try:
            for part in path.split("."):
                target = getattr(target, part)
        except AttributeError:
            continue
        if target is not None and target.__class__.__name__ == "Organisation":
            return target
    return obj if obj.__class__.__name__ == "Organisation" else None


def record(*, actor, action, obj=None, from_state="", to_state="", comment="", data=None, organisation=None):
    """Append one audit entry. ``actor`` may be None for system actions (cron, retention)."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        organisation=organisation or (_organisation_of(obj) if obj is not None else None),
        from_state=str(from_state or ""),
        to_state=str(to_state or ""),
        comment=comment or "",
        data=data or {},
    )
