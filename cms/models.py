"""Wagtail page models for the public website."""

from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.admin.panels import FieldPanel


class HomePage(Page):
    """The site's home page: the strategy introduction, the themes and open calls."""

    introduction = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    max_count = 1
