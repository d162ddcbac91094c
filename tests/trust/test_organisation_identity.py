"""Issue 11, item 4: organisations cannot be impersonated. Lookalike names are refused, a registration number
belongs to one organisation (a second claim asks to join it), renaming a funded organisation needs staff
approval, and open data names the recipient as it was when the grant was made."""

import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from commissioning.models import (
    AuditEntry,
    Membership,
    MembershipStatus,
    NameChangeStatus,
    Organisation,
    OrganisationNameChange,
)
from commissioning.services import accounts
from commissioning.validators import organisation_name_key
from tests import factories
from tests.conftest import otp_login
from tests.portal.test_accounts import ORG_DATA

pytestmark = pytest.mark.django_db

NAME = "Bexley Women's Aid Network"
# The eight lookalikes the issue found accepted, one per trick.
LOOKALIKES = {
    "case": "bexley women's aid network",
    "curly apostrophe": "Bexley Women\u2019s Aid Network",
    "Cyrillic letter": "Bexley Women's \u0410id Network",  # CYRILLIC CAPITAL LETTER A
    "zero-width space": "Bex\u200bley Women's Aid Network",
    "full-width letter": "\uff22exley Women's Aid Network",  # FULLWIDTH LATIN CAPITAL LETTER B
    "double space": "Bexley  Women's Aid Network",
    "trailing dot": "Bexley Women's Aid Network.",
    "right-to-left override": "\u202eBexley Women's Aid Network",
}


def confirmed_user():
    return factories.UserFactory(email_confirmed_at=timezone.now())


@pytest.fixture
def registered():
    return factories.OrganisationFactory(name=NAME, charity_number="1098765", company_number="04567890")


def register(client, **changes):
    return client.post(reverse("portal:organisation_create"), {**ORG_DATA, **changes})


# --- names ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("trick", sorted(LOOKALIKES))
def test_every_lookalike_reduces_to_the_same_key(trick):
    assert organisation_name_key(LOOKALIKES[trick]) == organisation_name_key(NAME)


@pytest.mark.parametrize(
    "other",
    ["Bexley Women's Aid", "Bexley Womens Aid Network", "Bexley Women's Aid Network 2", "Erith Women's Aid Network"],
)
def test_different_names_stay_different(other):
    assert organisation_name_key(other) != organisation_name_key(NAME)


@pytest.mark.parametrize("trick", sorted(LOOKALIKES))
def test_a_lookalike_is_refused_at_registration_and_joining_is_offered(client, registered, trick):
    client.force_login(confirmed_user())
    response = register(client, name=LOOKALIKES[trick], charity_number="1123456")
    content = response.content.decode()
    assert response.status_code == 200
    assert "cannot be told apart from it" in content and f"An organisation called “{NAME}”" in content.replace(
        "&#x27;", "'"
    )
    assert f'name="organisation" value="{registered.pk}"' in content  # the "Ask to join" button
    assert Organisation.objects.count() == 1


def test_the_join_offer_asks_to_join(client, registered, django_capture_on_commit_callbacks):
    admin = factories.provider_user(registered)
    joiner = confirmed_user()
    client.force_login(joiner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:organisation_join"), {"organisation": registered.pk})
    assert Membership.objects.get(user=joiner, organisation=registered).status == MembershipStatus.PENDING
    assert any(admin.email in message.to for message in mail.outbox)


def test_staff_cannot_add_a_lookalike_in_the_admin_either(client, commissioner, registered):
    otp_login(client, commissioner)
    data = {**ORG_DATA, "name": LOOKALIKES["Cyrillic letter"], "charity_number": "1123456"}
    response = client.post(reverse("organisations:add"), data)
    assert response.status_code == 200
    assert "cannot be told apart" in response.content.decode()
    assert Organisation.objects.count() == 1


def test_an_import_cannot_add_a_lookalike(registered):
    from outcomes.reporting.tabular import read_dataset  # noqa: F401 (the import path the screen uses)
    from outcomes.resources import OrganisationResource

    dataset = OrganisationResource().export()
    dataset.wipe()
    dataset.headers = list(OrganisationResource().get_export_headers())
    row = {**ORG_DATA, "name": LOOKALIKES["zero-width space"], "charity_number": "1123456", "is_specialist_vawg": 1}
    dataset.append([row.get(header, "") for header in dataset.headers])
    result = OrganisationResource().import_data(dataset, dry_run=True)
    assert result.has_validation_errors()
    messages = [str(error) for row in result.invalid_rows for error in row.error_dict.get("name", [])]
    assert any("cannot be told apart" in message for message in messages), messages
    assert Organisation.objects.count() == 1


def test_the_database_refuses_two_organisations_with_one_key(registered):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.OrganisationFactory(name=LOOKALIKES["case"])


# --- registration numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, told",
    [
        ({"charity_number": "1098765"}, "Charity number 1098765 is already registered to"),
        ({"charity_number": " 1098 765 "}, "Charity number 1098765 is already registered to"),
        ({"legal_form": "clg", "charity_number": "", "company_number": "4567890"}, "Company number 04567890"),
    ],
    ids=["charity", "charity typed with spaces", "company without its leading zero"],
)
def test_a_second_claim_to_a_registration_number_becomes_a_request_to_join(
    client, registered, changes, told, django_capture_on_commit_callbacks
):
    admin = factories.provider_user(registered)
    claimant = confirmed_user()
    client.force_login(claimant)
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, name="A Completely Different Name", **changes)
    assert response.status_code == 302 and response["Location"] == reverse("portal:dashboard")
    assert Organisation.objects.count() == 1
    assert Membership.objects.get(user=claimant, organisation=registered).status == MembershipStatus.PENDING
    assert any(admin.email in message.to for message in mail.outbox)
    page = client.get(response["Location"]).content.decode().replace("&#x27;", "'")
    assert told in page and f"You have asked to join {NAME}" in page


def test_one_charity_number_can_no_longer_be_held_by_three_organisations(registered):
    """Issue 11: one charity number was held by three organisations, so GB-CHC-… no longer named one."""
    for name in ("Second Holder", "Third Holder"):
        candidate = Organisation(**{**ORG_DATA, "name": name, "charity_number": "1098765", "is_specialist_vawg": True})
        with pytest.raises(ValidationError) as refused:
            candidate.full_clean()
        assert "already registered to" in refused.value.message_dict["charity_number"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.OrganisationFactory(name="Third Holder", charity_number="1098765")
    assert Organisation.objects.filter(charity_number="1098765").count() == 1


def test_two_registrations_at_the_same_moment_get_the_same_answer(monkeypatch):
    """The database's constraint decides a race: the other registration is saved after this one was checked
    and before it is saved, and this one is refused with the same message as if it had come second."""
    real_full_clean = Organisation.full_clean
    calls = []

    def other_registration_lands_after_the_check(self, *args, **kwargs):
        real_full_clean(self, *args, **kwargs)
        if not calls:
            calls.append(factories.OrganisationFactory(name="Got There First", charity_number="1123456"))

    monkeypatch.setattr(Organisation, "full_clean", other_registration_lands_after_the_check)
    candidate = Organisation(**{**ORG_DATA, "name": "Racing Registration", "is_specialist_vawg": True})
    with pytest.raises(ValidationError) as refused:
        accounts.create_organisation(actor=confirmed_user(), organisation=candidate)
    assert "already registered to Got There First" in refused.value.message_dict["charity_number"][0]
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Got There First"]


# --- renaming ------------------------------------------------------------------------------------------------


@pytest.fixture
def funded(registered, commissioner):
    from outcomes.services.awards import accept_award
    from tests.outcomes.conftest import approved_application, award_for

    admin = factories.provider_user(registered)
    award = accept_award(
        award=award_for(approved_application(organisation=registered), commissioner),
        actor=admin,
        typed_name=admin.get_full_name(),
    )
    return registered, admin, award


def edit(client, organisation, **changes):
    data = {**ORG_DATA, "name": organisation.name, "charity_number": organisation.charity_number}
    data.update(company_number=organisation.company_number, **changes)
    return client.post(reverse("portal:organisation_edit", args=[organisation.pk]), data)


def test_an_organisation_without_a_grant_renames_itself(client, registered):
    client.force_login(factories.provider_user(registered))
    assert edit(client, registered, name="Bexley Women's Network").status_code == 302
    registered.refresh_from_db()
    assert registered.name == "Bexley Women's Network"
    assert not OrganisationNameChange.objects.exists()


def test_renaming_a_funded_organisation_waits_for_approval_and_the_old_name_stays(client, funded):
    """Issue 11: an organisation admin could rename a funded organisation and the new name was published
    at once."""
    organisation, admin, award = funded
    client.force_login(admin)
    response = edit(client, organisation, name="Totally Rebranded Ltd", town="Sidcup")
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == NAME and organisation.town == "Sidcup"  # the other change is saved
    change = OrganisationNameChange.objects.get()
    assert (change.old_name, change.new_name, change.status) == (NAME, "Totally Rebranded Ltd", "pending")
    entry = AuditEntry.objects.get(action="organisation.name_change_requested")
    assert entry.data["to"] == "Totally Rebranded Ltd" and entry.actor == admin
    page = client.get(reverse("portal:organisation")).content.decode()
    assert "waiting for the partnership" in page
    published = json.loads(client.get(reverse("opendata:360giving_json")).content)
    assert published["grants"][0]["recipientOrganization"][0]["name"] == NAME
    assert "Totally Rebranded" not in client.get(reverse("opendata:360giving_csv")).content.decode()


def test_a_second_request_replaces_the_first(client, funded):
    organisation, admin, award = funded
    client.force_login(admin)
    edit(client, organisation, name="First Idea")
    edit(client, organisation, name="Second Idea")
    assert list(OrganisationNameChange.objects.order_by("pk").values_list("new_name", "status")) == [
        ("First Idea", NameChangeStatus.SUPERSEDED),
        ("Second Idea", NameChangeStatus.PENDING),
    ]
    assert AuditEntry.objects.filter(action="organisation.name_change_superseded").count() == 1


def request_change(funded, new_name="Bexley Women's Network"):
    organisation, admin, award = funded
    organisation.name = new_name
    _, change = accounts.update_organisation(actor=admin, organisation=organisation)
    return change


def test_staff_approve_a_new_name_audited_and_the_organisation_is_told(
    client, funded, commissioner, django_capture_on_commit_callbacks
):
    organisation, admin, award = funded
    change = request_change(funded)
    otp_login(client, commissioner)
    page = client.get(reverse("name_changes:index")).content.decode()
    assert "Bexley Women&#x27;s Network" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("name_changes:decide", args=[change.pk]), {"decision": "approve"})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Bexley Women's Network"
    change.refresh_from_db()
    assert change.status == NameChangeStatus.APPROVED and change.decided_by == commissioner
    entry = AuditEntry.objects.get(action="organisation.name_change_approved")
    assert entry.actor == commissioner and entry.data == {
        "from": NAME,
        "to": "Bexley Women's Network",
        "name_change": change.pk,
    }
    [message] = [m for m in mail.outbox if "new name" in m.subject]
    assert message.to == [admin.email] and "It is now called Bexley Women's Network" in message.body
    # The grant already published keeps the name recorded when it was made.
    award.refresh_from_db()
    assert award.recipient_name == NAME
    published = json.loads(client.get(reverse("opendata:360giving_json")).content)
    assert published["grants"][0]["recipientOrganization"][0]["name"] == NAME


def test_staff_reject_with_a_reason(funded, commissioner, django_capture_on_commit_callbacks):
    organisation, admin, award = funded
    change = request_change(funded)
    with pytest.raises(ValidationError, match="Give the reason"):
        accounts.decide_name_change(actor=commissioner, change=change, approve=False)
    with django_capture_on_commit_callbacks(execute=True):
        accounts.decide_name_change(actor=commissioner, change=change, approve=False, reason="Not on the register.")
    organisation.refresh_from_db()
    assert organisation.name == NAME
    assert AuditEntry.objects.get(action="organisation.name_change_rejected").comment == "Not on the register."
    assert "The reason: Not on the register." in mail.outbox[-1].body
    with pytest.raises(ValidationError, match="already been rejected"):
        accounts.decide_name_change(actor=commissioner, change=change, approve=True)


@pytest.mark.parametrize("role", ["executive", "assessor", "provider"])
def test_only_commissioning_staff_decide_new_names(funded, role, request):
    change = request_change(funded)
    actor = funded[1] if role == "provider" else request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        accounts.decide_name_change(actor=actor, change=change, approve=True)
    change.refresh_from_db()
    assert change.status == NameChangeStatus.PENDING
    assert not AuditEntry.objects.filter(action="organisation.name_change_approved").exists()


def test_approval_is_refused_when_the_name_has_been_taken_meanwhile(funded, commissioner):
    change = request_change(funded, new_name="Erith Survivors Trust")
    factories.OrganisationFactory(name="Erith Survivors Trust.")
    with pytest.raises(ValidationError, match="cannot be told apart"):
        accounts.decide_name_change(actor=commissioner, change=change, approve=True)
    change.refresh_from_db()
    assert change.status == NameChangeStatus.PENDING


def test_an_award_records_the_recipients_name_when_made(funded):
    organisation, admin, award = funded
    assert award.recipient_name == NAME
    type(organisation).objects.filter(pk=organisation.pk).update(name="Renamed Behind Our Back")
    award.refresh_from_db()
    assert award.recipient_name == NAME
