"""Role changes are audited: adding or removing a user's groups writes "role.added" / "role.removed"."""

from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, pre_save
from django.dispatch import receiver
from django_otp import user_has_device

from .. import audit
from ..models import User
from ..roles import is_staff_user
from .actor import current_actor
from .middleware import SECOND_FACTOR_SESSION_KEY, STAFF_SESSION_KEY


@receiver(user_logged_in, dispatch_uid="bcsp_remember_second_factor")
def remember_second_factor(sender, request, user, **kwargs):
    """Whether this person has a device to verify with, and holds a staff role, looked up once per sign-in."""
    if request is not None and hasattr(request, "session"):
        request.session[SECOND_FACTOR_SESSION_KEY] = user_has_device(user, confirmed=True)
        request.session[STAFF_SESSION_KEY] = is_staff_user(user)


def _record(user, action, names):
    if names:
        audit.record(
            actor=current_actor(),
            action=action,
            obj=user,
            data={"groups": sorted(names)},
            comment=", ".join(sorted(names)),
        )


@receiver(pre_save, sender=User, dispatch_uid="bcsp_mark_raw_user_load")
def mark_raw_load(sender, instance, raw, **kwargs):
    # loaddata (a restore) saves users raw and then sets their groups: that restores history, it is not
    # a role change, and the restored audit trail already holds the original entries.
    instance._bcsp_raw_load = raw


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="bcsp_audit_role_changes")
def audit_role_change(sender, instance, action, reverse, pk_set, **kwargs):
    if getattr(instance, "_bcsp_raw_load", False):
        return
    if action == "pre_clear":
        # Remember what is about to go: post_clear no longer knows.
        if reverse:
            instance._bcsp_cleared_users = list(instance.user_set.all())
        else:
            instance._bcsp_cleared_groups = list(instance.groups.values_list("name", flat=True))
        return
    if action == "post_clear":
        if reverse:
            for user in getattr(instance, "_bcsp_cleared_users", []):
                _record(user, "role.removed", [instance.name])
        else:
            _record(instance, "role.removed", getattr(instance, "_bcsp_cleared_groups", []))
        return
    if action not in {"post_add", "post_remove"} or not pk_set:
        return
    verb = "role.added" if action == "post_add" else "role.removed"
    if reverse:  # group.user_set.add(users...)
        for user in User.objects.filter(pk__in=pk_set):
            _record(user, verb, [instance.name])
    else:
        _record(instance, verb, list(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True)))
