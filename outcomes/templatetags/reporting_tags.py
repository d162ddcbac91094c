from decimal import Decimal

from django import template

from commissioning import formats

register = template.Library()


register.filter("money", formats.money)
register.filter("figure", formats.figure)


@register.filter
def percent(value):
    return formats.percent(value)


@register.filter
def bp_percent(value):
    """Basis points as a percentage: 2500 -> 25%, 3333 -> 33.33%."""
    return formats.percent(Decimal(value) / 100, places=2)


@register.inclusion_tag("outcomes/reporting/rag.html")
def rag(status):
    return {"status": status}


@register.filter
def get_item(mapping, key):
    return mapping.get(key)
