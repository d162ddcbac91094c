"""Accounts and organisation membership: sign-up, email confirmation, creating and joining
organisations, and an organisation admin's decisions on join requests."""

from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from ..audit import record
from ..models import (
    Membership,
    MembershipRole,
    MembershipStatus,
    NameChangeStatus,
    Organisation,
    OrganisationNameChange,
    User,
)
from ..notifications import send_templated_email
from ..permissions import require
from ..roles import Action, Role

CONFIRMATION_SALT = "bcsp.portal.confirm-email"
CONFIRMATION_MAX_AGE = 60 * 60 * 24 * 3  # three days


def confirmation_token(user):
    # The email is signed too, so a link stops working if the address changes.
    return signing.dumps({"user": user.pk, "email": user.email}, salt=CONFIRMATION_SALT, compress=True)


def send_confirmation_email(*, user):
    link = reverse("portal:confirm_email", kwargs={"token": confirmation_token(user)})
    send_templated_email(
        to=user.email,
        subject="Confirm your email address",
        template="emails/confirm_email.txt",
        context={"user": user, "link": link, "days": CONFIRMATION_MAX_AGE // 86400},
    )


def sign_up(*, email, password, first_name, last_name):
    """Create an account (email not yet confirmed) and email a confirmation link.
    The password must already have passed Django's validators (the form does that)."""
    email = email.strip().lower()
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError({"email": "An account with this email address already exists. Sign in instead."})
        user = User.objects.create_user(email=email, password=password, first_name=first_name, last_name=last_name)
        record(actor=user, action="account.signed_up", obj=user)
        send_confirmation_email(user=user)
    return user


def confirm_email(*, token):
    """Mark the account's email as confirmed. Raises ValidationError for a bad or expired link."""
    try:
        data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError("This link has expired. Sign in and ask for a new one.", code="expired") from None
    except signing.BadSignature:
        raise ValidationError(
            "This link is not valid. Check you copied the whole link from the email.", code="bad"
        ) from None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=data.get("user"), email=data.get("email")).first()
        if user is None:
            raise ValidationError("This link is not valid. Check you copied the whole link from the email.", code="bad")
        if user.email_confirmed_at is None:
            user.email_confirmed_at = timezone.now()
            user.save(update_fields=["email_confirmed_at"])
            record(actor=user, action="account.email_confirmed", obj=user)
    return user


def _require_confirmed(user):
    if not getattr(user, "email_confirmed_at", None):
        raise PermissionDenied("Confirm your email address first: use the link we emailed you.")


def _grant_provider_role(user):
    user.groups.add(Group.objects.get(name=Role.PROVIDER))
    for cache in ("_bcsp_roles", "_bcsp_org_ids", "_bcsp_org_admin_ids"):
        if hasattr(user, cache):
            delattr(user, cache)


def create_organisation(*, actor, organisation):
    """Save a new organisation and make ``actor`` its approved organisation admin with the Provider role.

    ``full_clean`` refuses a name that cannot be told from a registered one and a registration number that
    another organisation holds (the portal then offers, or makes, a request to join that one). Two people
    registering the same organisation at the same moment: the database's unique constraints let one in, and
    the other gets the same ValidationError as if they had come second."""
    _require_confirmed(actor)
    organisation.full_clean()
    try:
        with transaction.atomic():
            organisation.save()
            Membership.objects.create(
                user=actor,
                organisation=organisation,
                role=MembershipRole.ORG_ADMIN,
                status=MembershipStatus.APPROVED,
                decided_at=timezone.now(),
            )
            _grant_provider_role(actor)
            record(actor=actor, action="organisation.created", obj=organisation)
    except IntegrityError:
        organisation.pk = None
        organisation.full_clean()  # now names the organisation that got there first
        raise
    return organisation


def update_organisation(*, actor, organisation):
    """Save an organisation admin's changes to their organisation (validated by full_clean).

    A funded organisation's name is published (agreements, open data), so a new name for one does not take
    effect here: it becomes a pending OrganisationNameChange for staff to approve (``decide_name_change``),
    and until then the organisation keeps its old name everywhere. A later request replaces a pending one.
    Returns (organisation, the pending name change or None)."""
    require(actor, Action.MANAGE_ORGANISATION_MEMBERS, organisation)
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        organisation.full_clean()
        change = None
        if organisation.name != current.name and current.is_funded():
            change = _request_name_change(actor=actor, organisation=current, new_name=organisation.name)
            organisation.name = current.name
        organisation.save()
        record(actor=actor, action="organisation.updated", obj=organisation)
    return organisation, change


def _request_name_change(*, actor, organisation, new_name):
    for earlier in OrganisationNameChange.objects.select_for_update().pending().filter(organisation=organisation):
        earlier.status = NameChangeStatus.SUPERSEDED
        earlier.decided_at = timezone.now()
        earlier.save(update_fields=["status", "decided_at"])
        record(
            actor=actor,
            action="organisation.name_change_superseded",
            obj=organisation,
            from_state=NameChangeStatus.PENDING,
            to_state=NameChangeStatus.SUPERSEDED,
            data={"from": earlier.old_name, "to": earlier.new_name, "name_change": earlier.pk},
        )
    change = OrganisationNameChange.objects.create(
        organisation=organisation, old_name=organisation.name, new_name=new_name, requested_by=actor
    )
    record(
        actor=actor,
        action="organisation.name_change_requested",
        obj=organisation,
        to_state=NameChangeStatus.PENDING,
        data={"from": change.old_name, "to": change.new_name, "name_change": change.pk},
    )
    return change


def decide_name_change(*, actor, change, approve, reason=""):
    """Staff approve a funded organisation's new name (it then replaces the old one everywhere except grants
    already published, which keep the name recorded at award) or reject it with a reason. The organisation's
    admins are emailed either way."""
    require(actor, Action.APPROVE_NAME_CHANGES)
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"reason": "Give the reason for rejecting the new name: the organisation sees it."})
    with transaction.atomic():
        locked = OrganisationNameChange.objects.select_for_update().get(pk=change.pk)
        if locked.status != NameChangeStatus.PENDING:
            raise ValidationError(
                f"This name change has already been {locked.get_status_display().lower()}.", code="decided"
            )
        organisation = Organisation.objects.select_for_update().get(pk=locked.organisation_id)
        to_state = NameChangeStatus.APPROVED if approve else NameChangeStatus.REJECTED
        if approve:
            organisation.name = locked.new_name
            organisation.full_clean()  # another organisation may have taken a lookalike name since
            organisation.save()
        locked.status = to_state
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.reason = reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        record(
            actor=actor,
            action=f"organisation.name_change_{to_state}",
            obj=organisation,
            from_state=NameChangeStatus.PENDING,
            to_state=to_state,
            comment=reason,
            data={"from": locked.old_name, "to": locked.new_name, "name_change": locked.pk},
        )
        admins = organisation.memberships.approved().filter(role=MembershipRole.ORG_ADMIN).select_related("user")
        send_templated_email(
            to=[m.user.email for m in admins],
            subject=f"Your organisation's new name: {'approved' if approve else 'not approved'}",
            template="emails/name_change_decided.txt",
            context={"change": locked, "approved": approve, "link": reverse("portal:organisation")},
        )
    return locked


def request_to_join(*, actor, organisation):
    """Ask to join an organisation: a pending membership its admins approve or reject."""
    _require_confirmed(actor)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(user=actor, organisation=organisation).first()
        if membership is not None and membership.status != MembershipStatus.REJECTED:
            raise ValidationError(
                "You are already a member of this organisation."
                if membership.status == MembershipStatus.APPROVED
                else "You have already asked to join this organisation. Its admin has not decided yet.",
                code="duplicate",
            )
        try:
            if membership is None:
                membership = Membership.objects.create(user=actor, organisation=organisation)
            else:
                membership.status = MembershipStatus.PENDING
                membership.decided_at = None
                membership.decided_by = None
                membership.save(update_fields=["status", "decided_at", "decided_by"])
        except IntegrityError:
            raise ValidationError("You have already asked to join this organisation.", code="duplicate") from None
        record(
            actor=actor,
            action="membership.requested",
            obj=membership,
            organisation=organisation,
            to_state=MembershipStatus.PENDING,
        )
        admins = organisation.memberships.approved().filter(role=MembershipRole.ORG_ADMIN).select_related("user")
        send_templated_email(
            to=[m.user.email for m in admins],
            subject=f"{actor} has asked to join {organisation}",
            template="emails/membership_requested.txt",
            context={"requester": actor, "organisation": organisation, "link": reverse("portal:organisation")},
        )
    return membership


def decide_membership(*, actor, membership, approve, comment=""):
    """An organisation admin approves or rejects a pending join request."""
    require(actor, Action.MANAGE_ORGANISATION_MEMBERS, membership.organisation)
    with transaction.atomic():
        locked = Membership.objects.select_for_update().select_related("user", "organisation").get(pk=membership.pk)
        if locked.status != MembershipStatus.PENDING:
            raise ValidationError(
                f"This request has already been {locked.get_status_display().lower()}.", code="decided"
            )
        to_state = MembershipStatus.APPROVED if approve else MembershipStatus.REJECTED
        locked.status = to_state
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        if approve:
            _grant_provider_role(locked.user)
        record(
            actor=actor,
            action=f"membership.{to_state}",
            obj=locked,
            organisation=locked.organisation,
            from_state=MembershipStatus.PENDING,
            to_state=to_state,
            comment=comment,
        )
        send_templated_email(
            to=locked.user.email,
            subject=f"Your request to join {locked.organisation}",
            template="emails/membership_decided.txt",
            context={"membership": locked, "approved": approve, "link": reverse("portal:dashboard")},
        )
    return locked


def invitation_days():
    from django.conf import settings

    return settings.PASSWORD_RESET_TIMEOUT // 86400


def invite_staff(*, actor, email, first_name, last_name, role):
    """An administrator invites a member of staff: the account is created with an unusable password and the
    BCSP role, and the person is emailed a time-limited link to choose their own password (nobody sets or
    passes on a password). Audited as "account.invited"."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from ..roles import STAFF_ROLES

    require(actor, Action.MANAGE_USERS)
    if role not in STAFF_ROLES:
        raise ValidationError({"role": "Choose one of the partnership's staff roles."})
    email = (email or "").strip().lower()
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError({"email": "Someone already has an account with this email address."})
        user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=Role(role).value))
        record(actor=actor, action="account.invited", obj=user, comment=Role(role).value, data={"role": role})
        link = reverse(
            "portal:invitation",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        send_templated_email(
            to=user.email,
            subject="You are invited to the BCSP grants staff area",
            template="emails/staff_invitation.txt",
            context={"user": user, "inviter": actor, "role": Role(role).value, "link": link, "days": invitation_days()},
        )
    return user


def password_set_from_invitation(*, user):
    """The invited person chose their password: their email address is confirmed by the link. Audited."""
    with transaction.atomic():
        if user.email_confirmed_at is None:
            user.email_confirmed_at = timezone.now()
            user.save(update_fields=["email_confirmed_at"])
        record(actor=user, action="account.password_set", obj=user)
