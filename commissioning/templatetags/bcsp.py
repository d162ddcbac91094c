"""Template filters over ``commissioning.formats``: the one home for money, dates and quarters."""

from django import template

from commissioning import formats, labels

register = template.Library()

register.filter("money", formats.money)
register.filter("money_whole", formats.money_whole)
register.filter("figure", formats.figure)
register.filter("govuk_date", formats.govuk_date)
register.filter("govuk_date_short", formats.govuk_date_short)
register.filter("govuk_time", formats.govuk_time)
register.filter("govuk_datetime", formats.govuk_datetime)
register.filter("financial_year", formats.financial_year)
register.filter("quarter", formats.quarter)


@register.filter("percent")
def percent(value, places=1):
    """{{ share|percent }} or {{ share|percent:2 }} (decimal places, trailing zeros dropped)."""
    return formats.percent(value, places=int(places))


@register.filter("action_label")
def action_label(code):
    """An audit action code as words: "application.submitted" -> "Application submitted"."""
    return labels.action_label(code)
