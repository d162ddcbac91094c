"""Template tags for the public site: the menu from the page tree, money and dates the GOV.UK way."""

from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Site

register = template.Library()


@register.simple_tag
def call_apply_url(call):
    """The portal's page for the call, where a signed-in provider starts an application (starting one
    is a POST, so the public page links to this page rather than to the start action)."""
    return reverse("portal:call", args=[call.pk])


@register.simple_tag(takes_context=True)
def main_menu(context):
    """[(page, is_current)] for the site root's live children marked "show in menus". Empty when there is
    no request (the 500 page) or no site."""
    request = context.get("request")
    if request is None:
        return []
    site = Site.find_for_request(request)
    if site is None:
        return []
    current = context.get("page")
    items = Page.objects.live().public().in_menu().child_of(site.root_page).only("title", "url_path", "path", "depth")
    result = []
    for item in items:
        is_current = bool(current and getattr(current, "path", "").startswith(item.path))
        result.append((item, item.get_url(request=request), is_current))
    return result


@register.filter
def money(value):
    """£1,234 for whole pounds, £1,234.50 otherwise."""
    if value in (None, ""):
        return ""
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else 2
    return f"£{value:,.{places}f}"


@register.filter
def govuk_datetime(value):
    """'5:30pm on 24 November 2026' in Europe/London time (GOV.UK style: 'midday', 'midnight')."""
    if not value:
        return ""
    local = timezone.localtime(value)
    if local.hour == 12 and local.minute == 0:
        time = "midday"
    elif local.hour == 0 and local.minute == 0:
        time = "midnight"
    else:
        hour = local.hour % 12 or 12
        time = f"{hour}{local.strftime(':%M') if local.minute else ''}{'am' if local.hour < 12 else 'pm'}"
    return f"{time} on {local.day} {local.strftime('%B %Y')}"


@register.filter
def govuk_date(value):
    """'24 November 2026'."""
    if not value:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return f"{value.day} {value.strftime('%B %Y')}"


@register.filter
def percentage(value):
    """Decimal percentage without trailing zeros: 62.5%, 100%."""
    value = Decimal(value).normalize()
    return f"{value:f}%"
