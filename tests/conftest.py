import pytest
from django.conf import settings

from commissioning.roles import Role

from . import factories

IS_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests (real concurrency, pg_dump) are deselected on SQLite, not skipped:
    .ci/run runs the suite again on PostgreSQL, where they must pass.

    Transactional tests empty every table when they finish, which would also remove what migrations
    created (themes, indicators, role groups, Wagtail's root page) for the tests after them; with
    serialized rollback each one starts from the migrated contents again."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and "serialized_rollback" not in marker.kwargs:
            item.add_marker(
                pytest.mark.django_db(*marker.args, **marker.kwargs, serialized_rollback=True), append=False
            )
    if IS_POSTGRES:
        return
    selected, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("postgres") else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture
def organisation(db):
    return factories.OrganisationFactory()


@pytest.fixture
def other_organisation(db):
    return factories.OrganisationFactory()


@pytest.fixture
def provider(organisation):
    # Named, because accepting a grant agreement means typing your own name.
    return factories.provider_user(organisation, user__first_name="Pat", user__last_name="Provider")


@pytest.fixture
def other_provider(other_organisation):
    return factories.provider_user(other_organisation)


@pytest.fixture
def commissioner(db):
    return factories.staff_user(Role.COMMISSIONER)


@pytest.fixture
def assessor(db):
    return factories.staff_user(Role.ASSESSOR)


@pytest.fixture
def executive(db):
    return factories.staff_user(Role.EXECUTIVE)


@pytest.fixture
def administrator(db):
    return factories.staff_user(Role.ADMINISTRATOR)


@pytest.fixture
def open_call(db):
    return factories.CallFactory()


def otp_login(client, user):
    """Sign ``client`` in as ``user`` with a verified two-factor session (a confirmed TOTP device),
    as after a real sign-in plus code. Works whether or not STAFF_2FA_REQUIRED is on."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Test authenticator", confirmed=True
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def otp_client(client):
    """``otp_client(user)`` signs the test client in as ``user`` with a verified second factor."""
    return lambda user: otp_login(client, user)


def is_refused(response):
    """The one refusal on staff screens: Wagtail's own answer to PermissionDenied, back to the admin home
    with "Sorry, you do not have permission to access this area."."""
    from django.urls import reverse

    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
