"""One home for formats: money, GOV.UK dates and times, financial quarters."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.template import Context, Template

from commissioning import formats
from commissioning.fiscal import FinancialQuarter

LONDON = ZoneInfo("Europe/London")


def test_money_has_pounds_pence_and_separators():
    assert formats.money(Decimal("7500")) == "£7,500.00"
    assert formats.money("200000.00") == "£200,000.00"
    assert formats.money(Decimal("-12.5")) == "-£12.50"
    assert formats.money(None) == "–"
    assert formats.money("not a number") == "–"


def test_money_whole_drops_zero_pence_only():
    assert formats.money_whole(Decimal("7500.00")) == "£7,500"
    assert formats.money_whole(Decimal("7500.50")) == "£7,500.50"


def test_times_are_london_wall_clock_in_govuk_style():
    # 12:00 UTC in November is midday in London; in July it is 1pm (BST).
    assert formats.govuk_datetime(dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)) == "midday on 24 November 2026"
    assert formats.govuk_datetime(dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)) == "1pm on 1 July 2026"
    assert formats.govuk_time(dt.datetime(2026, 1, 5, 17, 30, tzinfo=LONDON)) == "5:30pm"
    assert formats.govuk_time(dt.datetime(2026, 1, 5, 0, 0, tzinfo=LONDON)) == "midnight"
    assert formats.govuk_date(dt.date(2026, 4, 1)) == "1 April 2026"


def test_quarters_always_name_the_financial_year():
    assert formats.quarter(FinancialQuarter(2026, 2)) == "Q2 2026/27"
    assert formats.quarter(2026, 4) == "Q4 2026/27"
    assert formats.financial_year(2026) == "2026/27"


def test_template_filters_call_the_same_functions():
    rendered = Template("{% load bcsp %}{{ amount|money }} {{ when|govuk_datetime }} {{ q|quarter }}").render(
        Context(
            {
                "amount": Decimal("7500"),
                "when": dt.datetime(2026, 11, 24, 12, tzinfo=LONDON),
                "q": FinancialQuarter(2026, 2),
            }
        )
    )
    assert rendered == "£7,500.00 midday on 24 November 2026 Q2 2026/27"
