"""One home for how money, dates, times and financial quarters are written, in Python and in templates
(``{% load bcsp %}`` wraps these functions). GOV.UK style: "£7,500.00", "24 November 2026",
"5:30pm", "midday on 24 November 2026", "Q2 2026/27".
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from .fiscal import FinancialQuarter, financial_year_label

DASH = "–"


def _decimal(value):
    if value is None or value == "":
        return None
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


def money(value, *, empty=DASH) -> str:
    """£7,500.00 (pounds and pence, thousands separated; negative as -£12.50)."""
    amount = _decimal(value)
    if amount is None:
        return empty
    return f"-£{-amount:,.2f}" if amount < 0 else f"£{amount:,.2f}"


def money_whole(value, *, empty="") -> str:
    """£7,500 for whole pounds, £7,500.50 otherwise: the public site's headline style."""
    amount = _decimal(value)
    if amount is None:
        return empty
    places = 0 if amount == amount.to_integral_value() else 2
    return f"-£{-amount:,.{places}f}" if amount < 0 else f"£{amount:,.{places}f}"


def figure(value, *, empty=DASH) -> str:
    """An indicator figure: 1,234 for whole numbers, 1,234.50 otherwise."""
    number = _decimal(value)
    if number is None:
        return empty
    return f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,.2f}"


def _local(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    return value


def govuk_date(value, *, empty="") -> str:
    """24 November 2026 (a datetime is read in Europe/London time)."""
    if not value:
        return empty
    value = _local(value)
    return f"{value.day} {value.strftime('%B %Y')}"


def govuk_time(value, *, empty="") -> str:
    """5:30pm, 9am, midday, midnight (Europe/London time)."""
    if not value:
        return empty
    local = _local(value)
    if local.hour == 12 and local.minute == 0:
        return "midday"
    if local.hour == 0 and local.minute == 0:
        return "midnight"
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def govuk_datetime(value, *, empty="") -> str:
    """midday on 24 November 2026; 5:30pm on 1 April 2027."""
    if not value:
        return empty
    return f"{govuk_time(value)} on {govuk_date(value)}"


def govuk_date_short(value, *, empty="") -> str:
    """24 Nov 2026, for dense tables."""
    if not value:
        return empty
    value = _local(value)
    return f"{value.day} {value.strftime('%b %Y')}"


def financial_year(year, *, empty="") -> str:
    """2026/27."""
    if year is None or year == "":
        return empty
    return financial_year_label(int(year))


def quarter(financial_year_or_quarter, number=None, *, empty="") -> str:
    """Q2 2026/27, from a FinancialQuarter, an object with financial_year and quarter, or (year, number)."""
    value = financial_year_or_quarter
    if value is None or value == "":
        return empty
    if number is not None:
        return FinancialQuarter(int(value), int(number)).label
    if isinstance(value, FinancialQuarter):
        return value.label
    return FinancialQuarter(int(value.financial_year), int(value.quarter)).label


def percent(value, *, places=1, empty=DASH) -> str:
    """62.5%, 100% (trailing zeros dropped)."""
    number = _decimal(value)
    if number is None:
        return empty
    number = number.quantize(Decimal(1).scaleb(-places)).normalize()
    text = f"{number:f}"
    return f"{text}%"
