from decimal import Decimal

from django import template

from commissioning import formats

register = template.Library()


register.filter("money", formats.money)
register.filter("figure", formats.figure)


@register.filter
def percent(value):
    return "–" if value is None else f"{value}%"


@register.filter
def bp_percent(value):
    return f"{Decimal(value) / 100:.2f}%"


@register.inclusion_tag("outcomes/reporting/rag.html")
def rag(status):
    return {"status": status}


@register.filter
def get_item(mapping, key):
    return mapping.get(key)
