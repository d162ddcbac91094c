import datetime as dt
from decimal import Decimal

import factory
import pytest
from django.utils import timezone

from cms import demo as cms_demo
from cms.models import CallIndexPage, CallPage, HomePage
from commissioning import demo as commissioning_demo
from outcomes.models import Award, AwardStatus

from ..factories import CallFactory, OrganisationFactory


class AwardFactory(factory.django.DjangoModelFactory):
    """An active award, all of it to the 'support' theme unless the *_bp columns are given."""

    class Meta:
        model = Award

    reference = factory.Sequence(lambda n: f"AWD-TEST-{n:04d}")
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Test project {n}")
    description = "A funded project."
    amount = Decimal("10000.00")
    start_date = factory.LazyFunction(timezone.localdate)
    end_date = factory.LazyAttribute(lambda award: award.start_date + dt.timedelta(days=364))
    status = AwardStatus.ACTIVE
    prevention_bp = 0
    support_bp = 10000
    perpetrators_bp = 0
    trust_bp = 0


@pytest.fixture
def website(db):
    """The demo site: home page, four theme pages, call pages for the demo calls, guidance and news."""
    commissioning_demo.seed_calls()
    return cms_demo.seed_website()


@pytest.fixture
def call_index(website):
    return CallIndexPage.objects.get()


@pytest.fixture
def make_call_page(call_index):
    def make(**call_fields):
        call = CallFactory(**call_fields)
        page = CallPage(title=call.title, slug=call.reference.lower(), call=call, body=[])
        call_index.add_child(instance=page)
        page.save_revision().publish()
        return page

    return make


@pytest.fixture
def home(website):
    return HomePage.objects.get()
