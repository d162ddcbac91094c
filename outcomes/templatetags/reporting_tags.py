from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(value):
    if value is None or value == "":
        return "–"
    value = Decimal(value)
    return f"-£{-value:,.2f}" if value < 0 else f"£{value:,.2f}"


@register.filter
def figure(value):
    """An indicator figure: whole numbers without decimals."""
    if value is None:
        return "–"
    value = Decimal(value)
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


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
