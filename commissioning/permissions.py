"""Object-level access: the role table in ``roles.py`` plus organisation and assignment scoping.

``can(user, action, obj)`` is the single question every view, download and export asks.
Providers act only on their own organisation's records; assessors only on applications assigned to
them where they have not declared a conflict.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .roles import Action, Role, has_role, role_allows

# Actions a provider takes on behalf of an organisation, and the membership role they need.
_ORG_ADMIN_ONLY = {Action.MANAGE_ORGANISATION_MEMBERS, Action.ACCEPT_AWARD}


def organisation_of(obj):
    """The provider organisation an object belongs to (duck-typed, so outcomes' objects work too)."""
    if obj is None:
        return None
    if obj.__class__.__name__ == "Organisation":
        return obj
    for attr in ("organisation", "application", "award", "quarterly_return"):
        if hasattr(obj, attr):
            target = getattr(obj, attr)
            if target is not None:
                return organisation_of(target)
    return None


def approved_organisation_ids(user, *, org_admin=False):
    if not getattr(user, "is_authenticated", False):
        return set()
    cache_name = "_bcsp_org_admin_ids" if org_admin else "_bcsp_org_ids"
    cached = getattr(user, cache_name, None)
    if cached is None:
        from .models import MembershipRole

        memberships = user.memberships.approved()
        if org_admin:
            memberships = memberships.filter(role=MembershipRole.ORG_ADMIN)
        cached = set(memberships.values_list("organisation_id", flat=True))
        setattr(user, cache_name, cached)
    return cached


def _application_of(obj):
    if obj.__class__.__name__ == "Application":
        return obj
    return getattr(obj, "application", None)


def can(user, action: Action, obj=None) -> bool:
    if not role_allows(user, action):
        return False
    if obj is None:
        return True
    if action in STAFF_APPLICATION_ACTIONS:
        # An unsubmitted draft belongs to its organisation alone: staff screens never list drafts, so no
        # staff action (reading it, or downloading its files) may reach one either.
        from .models import ApplicationStatus

        application = _application_of(obj)
        if application is not None and application.status == ApplicationStatus.DRAFT:
            return False
    if action in ROLE_SCOPED_TO_ORGANISATION:
        organisation = organisation_of(obj)
        if organisation is None:
            return False
        return organisation.pk in approved_organisation_ids(user, org_admin=action in _ORG_ADMIN_ONLY)
    if action == Action.SCORE_APPLICATION:
        from .models import AssessmentStatus

        application = getattr(obj, "application", obj)
        return application.assessments.filter(assessor=user).exclude(status=AssessmentStatus.CONFLICTED).exists()
    return True


ROLE_SCOPED_TO_ORGANISATION = {
    Action.APPLY,
    Action.VIEW_OWN_ORGANISATION,
    Action.MANAGE_ORGANISATION_MEMBERS,
    Action.ACCEPT_AWARD,
    Action.SUBMIT_RETURN,
}


# Staff actions whose object is an application (or something of one: an attachment, an assessment).
STAFF_APPLICATION_ACTIONS = {
    Action.VIEW_ALL_APPLICATIONS,
    Action.CHECK_ELIGIBILITY,
    Action.ASSIGN_ASSESSORS,
    Action.SCORE_APPLICATION,
    Action.MODERATE,
    Action.DECIDE,
}


def can_read_application(user, application) -> bool:
    """The staff question for one application (its page, its files): commissioning staff read any
    submitted application; an assessor only one assigned to them without a conflict."""
    return can(user, Action.VIEW_ALL_APPLICATIONS, application) or can(user, Action.SCORE_APPLICATION, application)


def require(user, action: Action, obj=None, *, hide=True):
    """Raise unless allowed. Another organisation's objects raise 404 (``hide``) so their existence
    is not confirmed; a missing role raises 403."""
    if can(user, action, obj):
        return
    if hide and obj is not None and role_allows(user, action):
        raise Http404("Not found")
    raise PermissionDenied("You do not have permission to do that.")


def is_provider(user) -> bool:
    return has_role(user, Role.PROVIDER)
