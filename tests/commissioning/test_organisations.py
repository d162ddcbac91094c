import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from commissioning.validators import normalise_company_number, normalise_postcode
from tests.factories import OrganisationFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"legal_form": "registered_charity", "charity_number": "1098765"}, "GB-CHC-1098765"),
        (
            {"legal_form": "registered_charity", "charity_number": "1098765", "company_number": "04567890"},
            "GB-CHC-1098765",
        ),
        ({"legal_form": "registered_charity", "charity_number": "SC012345"}, "GB-SC-SC012345"),
        ({"legal_form": "registered_charity", "charity_number": "NIC100002"}, "GB-NIC-100002"),
        ({"legal_form": "clg", "charity_number": "", "company_number": "04567890"}, "GB-COH-04567890"),
        ({"legal_form": "cic", "charity_number": "", "company_number": "4567890"}, "GB-COH-04567890"),
        ({"legal_form": "cic", "charity_number": "", "company_number": "sc123456"}, "GB-COH-SC123456"),
    ],
)
def test_org_identifier_is_derived_from_registration_numbers(fields, expected):
    organisation = OrganisationFactory.build(**fields)
    organisation.full_clean()
    assert organisation.org_identifier == expected


@pytest.mark.django_db
@override_settings(GRANT_ID_PREFIX="360G-BCSP")
def test_unregistered_group_gets_a_local_360g_identifier():
    organisation = OrganisationFactory(legal_form="community_group", charity_number="", company_number="")
    assert organisation.org_identifier == f"360G-BCSP-ORG-{organisation.pk:05d}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"charity_number": "12AB"}, "charity_number", "Enter a charity number in the right format"),
        ({"charity_number": "123"}, "charity_number", "Enter a charity number in the right format"),
        (
            {"legal_form": "cic", "charity_number": "", "company_number": "ABC"},
            "company_number",
            "Enter a company number",
        ),
        (
            {"legal_form": "clg", "charity_number": "", "company_number": ""},
            "company_number",
            "Enter the company number",
        ),
        ({"legal_form": "cio", "charity_number": ""}, "charity_number", "Enter the charity number"),
        ({"postcode": "NOT A CODE"}, "postcode", "Enter a real UK postcode"),
        ({"postcode": ""}, "postcode", "Enter a postcode"),
    ],
)
def test_invalid_registration_numbers_and_postcodes_give_specific_errors(fields, field, message):
    organisation = OrganisationFactory.build(**fields)
    with pytest.raises(ValidationError) as info:
        organisation.full_clean()
    assert any(message in error for error in info.value.message_dict[field])


def test_postcodes_are_normalised():
    assert normalise_postcode("da67at") == "DA6 7AT"
    assert normalise_postcode(" se2  9le ") == "SE2 9LE"
    assert normalise_postcode("EC1A1BB") == "EC1A 1BB"


def test_company_numbers_keep_leading_zeros():
    assert normalise_company_number("0123 4567") == "01234567"
    assert normalise_company_number("123") == "00000123"


@pytest.mark.django_db
def test_membership_is_unique_per_user_and_organisation(provider, organisation):
    from django.db import IntegrityError, transaction

    from commissioning.models import Membership

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=provider, organisation=organisation)


@pytest.mark.django_db
def test_users_sign_in_by_email_case_insensitively(client):
    from tests.factories import UserFactory

    UserFactory(email="Mixed.Case@Example.test")
    assert client.login(username="MIXED.case@example.TEST", password="correct-horse-battery")
