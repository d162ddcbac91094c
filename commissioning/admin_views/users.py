"""Users in the staff area: a role column, only BCSP roles offered, and invitations instead of passwords.

Wagtail's user screens are kept (through ``commissioning.users_app``) with three changes: the list shows each
person's BCSP role; the edit form offers only the partnership's roles (Wagtail's own groups are removed by a
data migration, and never offered); and "Add a user" is an invitation by email with a set-password link, so
no administrator sets or passes on a password (``WAGTAILUSERS_PASSWORD_ENABLED = False``).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from wagtail.admin.ui.tables import Column
from wagtail.users.forms import UserEditForm
from wagtail.users.views import users as wagtail_users

from ..permissions import require
from ..roles import STAFF_ROLES, Action, Role
from ..services import accounts
from ..staff_forms import StaffFormMixin

BCSP_ROLE_NAMES = [role.value for role in Role]
STAFF_ROLE_CHOICES = [(role.value, role.value) for role in Role if role in STAFF_ROLES]


def bcsp_groups():
    return Group.objects.filter(name__in=BCSP_ROLE_NAMES).order_by("name")


class RolesColumn(Column):
    def get_value(self, instance):
        names = [group.name for group in instance.groups.all() if group.name in BCSP_ROLE_NAMES]
        if instance.is_superuser and Role.ADMINISTRATOR.value not in names:
            names.append(f"{Role.ADMINISTRATOR.value} (superuser)")
        return ", ".join(sorted(names)) or "No role"


class UserIndexView(wagtail_users.IndexView):
    add_item_label = "Invite someone"

    @cached_property
    def columns(self):
        columns = list(super().columns)
        # The role column after the name and email: what this person may do here.
        columns.insert(3, RolesColumn("roles", label="Role", width="20%"))
        return columns

    def get_base_queryset(self):
        # The role column reads each person's groups: one extra query per page, not per person.
        return super().get_base_queryset().prefetch_related("groups")


class BCSPUserEditForm(UserEditForm):
    """Only the partnership's roles, never Wagtail's own groups."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "groups" in self.fields:
            self.fields["groups"].queryset = bcsp_groups()
            self.fields["groups"].label = "Roles"
            self.fields["groups"].help_text = "What this person may do. Staff roles need two-step sign-in."


class InviteForm(StaffFormMixin, forms.Form):
    email = forms.EmailField(
        label="Email address", max_length=254, help_text="Their work email address: the invitation goes there."
    )
    first_name = forms.CharField(label="First name", max_length=150, help_text="As they want it shown to others.")
    last_name = forms.CharField(label="Last name", max_length=150, help_text="As they want it shown to others.")
    role = forms.ChoiceField(
        label="Role",
        choices=STAFF_ROLE_CHOICES,
        widget=forms.RadioSelect,
        help_text="Commissioners run calls, awards and returns; assessors score what they are assigned; the "
        "executive reads reporting; administrators also manage users and read the audit trail.",
    )


def invite(request):
    """Invite a member of staff: an account with no password, their role, and an emailed set-password link."""
    require(request.user, Action.MANAGE_USERS)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = accounts.invite_staff(
                actor=request.user,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                role=data["role"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                f"Invitation sent to {user.email}. The link to choose a password works for "
                f"{accounts.invitation_days()} days.",
            )
            return redirect("wagtailusers_users:index")
    return TemplateResponse(
        request,
        "commissioning/admin/invite.html",
        {"form": form, "days": accounts.invitation_days()},
        status=400 if request.method == "POST" else 200,
    )


class UserViewSet(wagtail_users.UserViewSet):
    index_view_class = UserIndexView

    def get_form_class(self, for_update=False):
        return BCSPUserEditForm if for_update else super().get_form_class(for_update)

    @property
    def add_view(self):
        # "Add a user" is an invitation: nobody sets a password for someone else.
        return invite
