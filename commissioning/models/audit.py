from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("Audit entries cannot be changed.")

    def delete(self):
        raise PermissionDenied("Audit entries cannot be deleted.")

    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))


class AuditEntry(models.Model):
    """An append-only record of a state transition, a sensitive download or a role change."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=60, db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    object_id = models.CharField(max_length=40, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        "commissioning.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.action_label}: {self.object_repr}" if self.object_repr else self.action_label

    # Human readings of the stored codes, for the audit trail screens (list, inspect, histories).
    def _record_model(self):
        return self.content_type.model_class() if self.content_type_id else None

    @property
    def action_label(self):
        from ..labels import action_label

        return action_label(self.action)

    action_label.fget.short_description = "What happened"

    def get_action_display(self):
        return self.action_label

    @property
    def record_label(self):
        if not self.object_repr:
            return ""
        model = self._record_model()
        kind = str(model._meta.verbose_name).capitalize() if model else ""
        return (
            f"{kind} {self.object_repr}".strip() if kind and not self.object_repr.startswith(kind) else self.object_repr
        )

    record_label.fget.short_description = "Record"

    def get_from_state_display(self):
        from ..labels import state_label

        return state_label(self.from_state, self._record_model())

    def get_to_state_display(self):
        from ..labels import state_label

        return state_label(self.to_state, self._record_model())

    @property
    def status_change(self):
        before, after = self.get_from_state_display(), self.get_to_state_display()
        if before and after:
            return f"{before} → {after}"
        return after or before

    status_change.fget.short_description = "Status change"

    @property
    def details(self):
        """The entry's extra data as "Name: value" lines (never a raw dict)."""
        from ..labels import data_lines

        return "\n".join(data_lines(self.action, self.data))

    details.fget.short_description = "Details"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit entries cannot be deleted.")
