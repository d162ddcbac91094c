"""Who may do what: the one place each role's powers are declared.

Views, admin screens, downloads and exports ask ``can(user, action, obj)``. The organisation and
assignment scoping that goes with an action lives here too, so no view decides access on its own.
"""

from enum import StrEnum


class Role(StrEnum):
    PROVIDER = "Provider"
    COMMISSIONER = "Commissioner"
    ASSESSOR = "Assessor"
    EXECUTIVE = "Executive"
    ADMINISTRATOR = "Administrator"


STAFF_ROLES = frozenset({Role.COMMISSIONER, Role.ASSESSOR, Role.EXECUTIVE, Role.ADMINISTRATOR})


class Action(StrEnum):
    # Provider portal
    APPLY = "apply"  # start, edit, submit and withdraw own organisation's applications
    VIEW_OWN_ORGANISATION = "view_own_organisation"
    MANAGE_ORGANISATION_MEMBERS = "manage_organisation_members"  # org admins only (membership role)
    ACCEPT_AWARD = "accept_award"  # org admins only
    SUBMIT_RETURN = "submit_return"
    # Calls and applications (staff)
    MANAGE_CALLS = "manage_calls"
    APPROVE_NAME_CHANGES = "approve_name_changes"  # renaming a funded organisation
    VIEW_ALL_APPLICATIONS = "view_all_applications"
    CHECK_ELIGIBILITY = "check_eligibility"
    ASSIGN_ASSESSORS = "assign_assessors"
    SCORE_APPLICATION = "score_application"  # assigned and not conflicted
    MODERATE = "moderate"
    DECIDE = "decide"
    RELEASE_DECISIONS = "release_decisions"
    EXPORT_APPLICATIONS = "export_applications"
    # Awards and returns (staff)
    MANAGE_AWARDS = "manage_awards"
    REVIEW_RETURNS = "review_returns"
    APPROVE_PAYMENTS = "approve_payments"
    RECORD_PAYMENTS = "record_payments"
    # Reporting
    VIEW_REPORTING = "view_reporting"
    EXPORT_BOARD_PACK = "export_board_pack"
    IMPORT_DATA = "import_data"
    # Administration
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    MANAGE_THEMES = "manage_themes"
    MANAGE_INDICATORS = "manage_indicators"
    EDIT_SITE = "edit_site"


_COMMISSIONER = {
    Action.MANAGE_CALLS,
    Action.APPROVE_NAME_CHANGES,
    Action.VIEW_ALL_APPLICATIONS,
    Action.CHECK_ELIGIBILITY,
    Action.ASSIGN_ASSESSORS,
    Action.MODERATE,
    Action.DECIDE,
    Action.RELEASE_DECISIONS,
    Action.EXPORT_APPLICATIONS,
    Action.MANAGE_AWARDS,
    Action.REVIEW_RETURNS,
    Action.APPROVE_PAYMENTS,
    Action.RECORD_PAYMENTS,
    Action.VIEW_REPORTING,
    Action.EXPORT_BOARD_PACK,
    Action.IMPORT_DATA,
    Action.MANAGE_THEMES,
    Action.MANAGE_INDICATORS,
    Action.EDIT_SITE,
}

ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.PROVIDER: frozenset(
        {
            Action.APPLY,
            Action.VIEW_OWN_ORGANISATION,
            Action.MANAGE_ORGANISATION_MEMBERS,
            Action.ACCEPT_AWARD,
            Action.SUBMIT_RETURN,
        }
    ),
    Role.ASSESSOR: frozenset({Action.SCORE_APPLICATION}),
    Role.COMMISSIONER: frozenset(_COMMISSIONER),
    # The executive reviews spend against themes: no individual application content.
    Role.EXECUTIVE: frozenset({Action.VIEW_REPORTING, Action.EXPORT_BOARD_PACK}),
    Role.ADMINISTRATOR: frozenset(_COMMISSIONER | {Action.VIEW_AUDIT, Action.MANAGE_USERS}),
}

_COMMISSIONER_MODEL_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "commissioning.add_call",
    "commissioning.change_call",
    "commissioning.view_call",
    "commissioning.change_theme",
    "commissioning.view_theme",
    "commissioning.add_indicator",
    "commissioning.change_indicator",
    "commissioning.view_indicator",
    "commissioning.view_organisation",
    "commissioning.change_organisation",
    "commissioning.add_organisation",
    "commissioning.view_application",
    "outcomes.view_award",
    "outcomes.change_award",
    "outcomes.view_payment",
    "outcomes.view_quarterlyreturn",
    "wagtailcore.add_page",
    "wagtailcore.change_page",
    "wagtailcore.publish_page",
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
]

# Django model permissions each role's group holds, so the Wagtail admin's own checks agree with the
# table above. Applied by a data migration and by ``sync_role_groups`` after every migrate.
ROLE_MODEL_PERMISSIONS: dict[Role, list[str]] = {
    Role.PROVIDER: [],
    Role.ASSESSOR: ["wagtailadmin.access_admin"],
    Role.EXECUTIVE: ["wagtailadmin.access_admin"],
    Role.COMMISSIONER: _COMMISSIONER_MODEL_PERMISSIONS,
    # Administrators do what commissioners do, and manage users and read the audit trail.
    Role.ADMINISTRATOR: _COMMISSIONER_MODEL_PERMISSIONS
    + [
        "commissioning.delete_call",
        "commissioning.view_auditentry",
        "commissioning.add_user",
        "commissioning.change_user",
        "commissioning.view_user",
        "auth.view_group",
    ],
}


# Where each role's work is: the staff area's home sends a person there when it is not the home page itself.
# Commissioners and administrators stay on the home page (their work queue); assessors too (their queue of
# declarations and scoring is the first panel). The executive has no queue: reporting is their work.
ROLE_LANDING_URL_NAMES: dict[Role, str] = {Role.EXECUTIVE: "reporting:dashboard"}


def landing_url_name(user) -> str | None:
    """The URL name a staff member's home is, or None for the admin home page with its work queues."""
    roles = roles_of(user)
    if roles & {Role.COMMISSIONER, Role.ADMINISTRATOR, Role.ASSESSOR}:
        return None
    for role, url_name in ROLE_LANDING_URL_NAMES.items():
        if role in roles:
            return url_name
    return None


def roles_of(user) -> set[Role]:
    """The roles a user holds, from their groups (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached = getattr(user, "_bcsp_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = {role for role in Role if role.value in names}
        if user.is_superuser:
            cached.add(Role.ADMINISTRATOR)
        user._bcsp_roles = cached
    return cached


def has_role(user, role: Role) -> bool:
    return role in roles_of(user)


def role_allows(user, action: Action) -> bool:
    return any(action in ROLE_ACTIONS[role] for role in roles_of(user))


def is_staff_user(user) -> bool:
    return bool(roles_of(user) & STAFF_ROLES)
