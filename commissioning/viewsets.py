"""Wagtail admin screens for the foundation's records: calls, themes, indicators, organisations."""

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy

from .forms import CallAdminForm
from .models import Call, Indicator, Organisation, Theme


class EditOnlyPermissionPolicy(ModelPermissionPolicy):
    """For records created by migration that must always exist: nobody adds or deletes them here."""

    def user_has_permission(self, user, action):
        if action in {"add", "delete"}:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class CallViewSet(ModelViewSet):
    model = Call
    name = "calls"
    icon = "doc-full-inverse"
    menu_label = "Calls"
    menu_order = 100
    list_display = ["reference", "title", "status_label", "opens", "closes", "budget"]
    list_filter = ["themes", "opens_at"]
    search_fields = ["reference", "title", "summary"]
    ordering = ["-opens_at"]
    copy_view_enabled = False
    inspect_view_enabled = True
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("reference"), FieldPanel("title"), FieldPanel("summary"), FieldPanel("themes")],
                heading="The call",
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("total_budget"), FieldPanel("min_grant"), FieldPanel("max_grant")]),
                    FieldPanel("max_project_months"),
                ],
                heading="Money",
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                    FieldRowPanel([FieldPanel("closed_early_at"), FieldPanel("closed_early_reason")]),
                ],
                heading="Dates (Europe/London)",
            ),
            FieldPanel("eligibility"),
            FieldPanel("allow_multiple_applications"),
            FieldPanel("min_criterion_score"),
            InlinePanel("criteria", heading="Scoring criteria (weights add up to 100)", label="Criterion", min_num=1),
            InlinePanel("questions", heading="Extra questions", label="Question"),
        ],
        base_form_class=CallAdminForm,
    )


class ThemeViewSet(ModelViewSet):
    model = Theme
    name = "themes"
    icon = "tag"
    menu_label = "Themes"
    list_display = ["display_order", "name", "short_name"]
    form_fields = ["description"]
    copy_view_enabled = False


class IndicatorViewSet(ModelViewSet):
    model = Indicator
    name = "indicators"
    icon = "order"
    menu_label = "Indicators"
    list_display = ["name", "theme", "unit", "kind", "is_library", "is_active"]
    list_filter = ["theme", "unit", "kind", "is_library", "is_active"]
    search_fields = ["name", "code"]
    form_fields = [
        "code",
        "name",
        "theme",
        "unit",
        "kind",
        "description",
        "counts_people",
        "is_library",
        "is_active",
        "display_order",
    ]
    copy_view_enabled = False


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    name = "organisations"
    icon = "group"
    menu_label = "Organisations"
    list_display = ["name", "legal_form", "org_identifier", "postcode", "is_specialist_vawg", "is_by_and_for"]
    list_filter = ["legal_form", "is_specialist_vawg", "is_by_and_for", "income_band"]
    search_fields = ["name", "charity_number", "company_number", "postcode"]
    form_fields = [
        "name",
        "legal_form",
        "charity_number",
        "company_number",
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
        "website",
        "is_specialist_vawg",
        "is_by_and_for",
        "income_band",
        "safeguarding_lead_name",
        "safeguarding_lead_email",
    ]
    copy_view_enabled = False


class CommissioningViewSetGroup(ModelViewSetGroup):
    menu_label = "Commissioning"
    menu_icon = "folder-open-inverse"
    menu_order = 100
    items = [CallViewSet, OrganisationViewSet, ThemeViewSet, IndicatorViewSet]
