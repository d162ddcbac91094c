import pytest
from django.conf import settings

from commissioning.roles import Role

from . import factories

IS_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests (real concurrency, pg_dump) are deselected on SQLite, not skipped:
    .ci/run runs the suite again on PostgreSQL, where they must pass."""
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
    return factories.provider_user(organisation)


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
