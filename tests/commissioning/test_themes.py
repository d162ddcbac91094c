import pytest
from django.core.exceptions import PermissionDenied

from commissioning.models import Theme
from tests.conftest import otp_login


@pytest.fixture(autouse=True)
def _staff_two_factor_enforced(settings):
    # These admin tests sign in with a verified second factor, as production requires.
    settings.STAFF_2FA_REQUIRED = True


@pytest.mark.django_db
def test_the_four_strategy_themes_exist_after_migrate_in_order():
    assert list(Theme.objects.values_list("name", flat=True)) == [
        "Preventing and reducing VAWG",
        "Supporting all victims and survivors",
        "Holding perpetrators to account",
        "Building trust and confidence",
    ]
    assert list(Theme.objects.values_list("slug", flat=True)) == ["prevention", "support", "perpetrators", "trust"]
    assert all(Theme.objects.values_list("description", flat=True))


@pytest.mark.django_db
def test_a_theme_cannot_be_deleted_one_at_a_time_or_in_bulk():
    theme = Theme.objects.get(slug="support")
    with pytest.raises(PermissionDenied):
        theme.delete()
    with pytest.raises(PermissionDenied):
        Theme.objects.all().delete()
    assert Theme.objects.count() == 4


@pytest.mark.django_db
def test_staff_can_edit_a_theme_description():
    theme = Theme.objects.get(slug="trust")
    theme.description = "Updated by the VAWG Working Group."
    theme.save()
    assert Theme.objects.get(slug="trust").description == "Updated by the VAWG Working Group."


@pytest.mark.django_db
def test_theme_admin_offers_no_delete_and_no_add(client, administrator):
    otp_login(client, administrator)
    theme = Theme.objects.get(slug="prevention")
    response = client.post(f"/admin/themes/delete/{theme.pk}/")
    assert response.status_code in (302, 403)
    assert Theme.objects.count() == 4
    response = client.post("/admin/themes/new/", {"description": "x"})
    assert response.status_code in (302, 403)
    response = client.get(f"/admin/themes/edit/{theme.pk}/")
    assert response.status_code == 200
    assert Theme.objects.count() == 4


@pytest.mark.django_db
def test_indicator_library_is_seeded_from_the_domain_reference():
    from commissioning.models import Indicator

    library = Indicator.objects.library()
    assert library.count() >= 20
    assert library.filter(unit="percentage", kind="outcome").exists()
    assert Indicator.objects.get(code="survivors-feeling-safer").theme.slug == "support"
    assert Indicator.objects.get(code="cj-advocacy").counts_people
