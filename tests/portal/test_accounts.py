import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from commissioning.models import AuditEntry, Membership, MembershipRole, MembershipStatus, Organisation, User
from commissioning.roles import Role, roles_of
from commissioning.services import accounts
from tests import factories

pytestmark = pytest.mark.django_db

ORG_DATA = {
    "name": "Crayford Women's Aid",
    "legal_form": "registered_charity",
    "charity_number": "1123456",
    "company_number": "",
    "address_line_1": "2 Crayford Road",
    "address_line_2": "",
    "town": "Crayford",
    "postcode": "da1 4aa",
    "website": "",
    "income_band": "10k_100k",
    "safeguarding_lead_name": "Pat Lead",
    "safeguarding_lead_email": "pat@example.test",
    "is_specialist_vawg": "on",
}


def link_in(message):
    return re.search(r"http://[^\s]+", message.body).group(0).split("://", 1)[1].split("/", 1)[1]


def confirmed_user(**kwargs):
    return factories.UserFactory(email_confirmed_at=timezone.now(), **kwargs)


def test_sign_up_creates_account_and_emails_confirmation_link(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:sign_up"),
            {
                "first_name": "Ada",
                "last_name": "Lovel",
                "email": "Ada@Example.test",
                "password": "a-long-unusual-phrase-42",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="ada@example.test")
    assert user.email_confirmed_at is None
    assert AuditEntry.objects.filter(action="account.signed_up", object_id=str(user.pk)).exists()
    assert len(mail.outbox) == 1 and "Confirm your email" in mail.outbox[0].subject
    response = client.get("/" + link_in(mail.outbox[0]))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_confirmed_at is not None
    assert AuditEntry.objects.filter(action="account.email_confirmed").count() == 1


def test_sign_up_refuses_weak_password_and_duplicate_email(client):
    factories.UserFactory(email="taken@example.test")
    response = client.post(
        reverse("portal:sign_up"),
        {
            "first_name": "Ada",
            "last_name": "Lovel",
            "email": "taken@example.test",
            "password": "password",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Error: " in content
    assert "already exists" in content
    assert "too short" in content or "too common" in content
    assert User.objects.filter(email="taken@example.test").count() == 1


def test_confirmation_link_expired_or_tampered(client):
    user = factories.UserFactory()
    token = accounts.confirmation_token(user)
    response = client.get(reverse("portal:confirm_email", args=[token + "x"]))
    assert response.status_code == 400 and "not valid" in response.content.decode()
    signed_long_ago = signing.dumps(
        {"user": user.pk, "email": user.email}, salt=accounts.CONFIRMATION_SALT, compress=True
    )
    from unittest import mock

    with mock.patch("django.core.signing.time.time", return_value=timezone.now().timestamp() + 4 * 86400):
        response = client.get(reverse("portal:confirm_email", args=[signed_long_ago]))
    assert response.status_code == 400 and "expired" in response.content.decode()
    user.refresh_from_db()
    assert user.email_confirmed_at is None


def test_unconfirmed_user_cannot_create_or_join_an_organisation(client):
    user = factories.UserFactory()
    client.force_login(user)
    response = client.post(reverse("portal:organisation_create"), ORG_DATA)
    assert response.status_code == 302
    assert not Organisation.objects.filter(name=ORG_DATA["name"]).exists()
    assert client.get(reverse("portal:organisation_join")).status_code == 302


def test_create_organisation_makes_user_approved_org_admin_with_provider_role(client):
    user = confirmed_user()
    client.force_login(user)
    response = client.post(reverse("portal:organisation_create"), ORG_DATA)
    assert response.status_code == 302
    organisation = Organisation.objects.get(name=ORG_DATA["name"])
    assert organisation.postcode == "DA1 4AA"
    membership = Membership.objects.get(user=user, organisation=organisation)
    assert (membership.role, membership.status) == (MembershipRole.ORG_ADMIN, MembershipStatus.APPROVED)
    assert Role.PROVIDER in roles_of(User.objects.get(pk=user.pk))
    assert AuditEntry.objects.filter(action="organisation.created", organisation=organisation).exists()


def test_create_organisation_shows_model_validation_inline(client):
    client.force_login(confirmed_user())
    data = {**ORG_DATA, "charity_number": "", "postcode": "12345"}
    response = client.post(reverse("portal:organisation_create"), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Enter the charity number" in content
    assert "Enter a real UK postcode" in content
    assert 'value="Crayford Women&#x27;s Aid"' in content  # what was typed is kept
    assert not Organisation.objects.filter(name=ORG_DATA["name"]).exists()


def test_join_request_pending_then_org_admin_approves(
    client, provider, organisation, django_capture_on_commit_callbacks
):
    joiner = confirmed_user()
    client.force_login(joiner)
    response = client.get(reverse("portal:organisation_join"), {"q": organisation.name[:6]})
    assert organisation.name in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:organisation_join"), {"organisation": organisation.pk})
    membership = Membership.objects.get(user=joiner, organisation=organisation)
    assert membership.status == MembershipStatus.PENDING
    assert AuditEntry.objects.filter(action="membership.requested").exists()
    assert any(provider.email in m.to for m in mail.outbox)

    client.force_login(provider)
    page = client.get(reverse("portal:organisation")).content.decode()
    assert joiner.email in page and "Requests to join" in page
    client.post(reverse("portal:membership_decide", args=[membership.pk]), {"decision": "approve"})
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.APPROVED and membership.decided_by == provider
    assert Role.PROVIDER in roles_of(User.objects.get(pk=joiner.pk))
    entry = AuditEntry.objects.get(action="membership.approved")
    assert (entry.actor, entry.from_state, entry.to_state) == (provider, "pending", "approved")


def test_org_admin_rejects_and_decision_is_audited(client, provider, organisation):
    joiner = confirmed_user()
    membership = accounts.request_to_join(actor=joiner, organisation=organisation)
    client.force_login(provider)
    client.post(reverse("portal:membership_decide", args=[membership.pk]), {"decision": "reject"})
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.REJECTED
    assert AuditEntry.objects.filter(action="membership.rejected", actor=provider).exists()
    assert not joiner.groups.filter(name=Role.PROVIDER).exists()


def test_ordinary_member_and_other_org_cannot_decide(client, organisation, other_provider):
    member = factories.provider_user(organisation, org_role=MembershipRole.MEMBER)
    membership = accounts.request_to_join(actor=confirmed_user(), organisation=organisation)
    client.force_login(member)
    assert (
        client.post(reverse("portal:membership_decide", args=[membership.pk]), {"decision": "approve"}).status_code
        == 404
    )
    client.force_login(other_provider)
    assert (
        client.post(reverse("portal:membership_decide", args=[membership.pk]), {"decision": "approve"}).status_code
        == 404
    )
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING
    assert not AuditEntry.objects.filter(action="membership.approved").exists()


def test_duplicate_join_request_refused(organisation):
    joiner = confirmed_user()
    accounts.request_to_join(actor=joiner, organisation=organisation)
    with pytest.raises(Exception, match="already asked"):
        accounts.request_to_join(actor=joiner, organisation=organisation)


def test_org_admin_edits_organisation_and_member_cannot(client, provider, organisation):
    client.force_login(provider)
    data = {**ORG_DATA, "name": organisation.name, "town": "Sidcup"}
    response = client.post(reverse("portal:organisation_edit", args=[organisation.pk]), data)
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.town == "Sidcup"
    assert AuditEntry.objects.filter(action="organisation.updated").exists()
    member = factories.provider_user(organisation, org_role=MembershipRole.MEMBER)
    client.force_login(member)
    assert client.get(reverse("portal:organisation_edit", args=[organisation.pk])).status_code == 404


def test_password_reset_flow(client, django_capture_on_commit_callbacks):
    user = factories.UserFactory(email="forgot@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:password_reset"), {"email": "forgot@example.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "Reset your password"
    path = "/" + link_in(mail.outbox[0])
    response = client.get(path, follow=True)
    assert "Choose a new password" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "another-long-phrase-77", "new_password2": "another-long-phrase-77"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-phrase-77")


def test_sign_in_and_sign_out(client):
    factories.UserFactory(email="in@example.test")
    response = client.post(
        reverse("portal:login"), {"username": "in@example.test", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get(reverse("portal:dashboard")).status_code == 200
    client.post(reverse("portal:logout"))
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_provider_group_exists():
    assert Group.objects.filter(name=Role.PROVIDER).exists()
