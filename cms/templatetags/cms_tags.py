"""Template tags for the public site: the menu from the page tree, money and dates the GOV.UK way."""

from decimal import Decimal

from django import template
from django.urls import reverse
from wagtail.models import Page, Site

from commissioning import formats

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


# The public site writes whole pounds without pence (GOV.UK style); both from the one formats module.
money = register.filter("money", formats.money_whole)
govuk_datetime = register.filter("govuk_datetime", formats.govuk_datetime)
govuk_date = register.filter("govuk_date", formats.govuk_date)


@register.filter
def percentage(value):
    """Decimal percentage without trailing zeros: 62.5%, 100%."""
    value = Decimal(value).normalize()
    return f"{value:f}%"
