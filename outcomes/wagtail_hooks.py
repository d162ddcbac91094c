from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from commissioning.admin_menu import ActionMenuItem
from commissioning.permissions import can
from commissioning.roles import Action

from .admin_views import urls as admin_urls
from .panels import AssessorQueuePanel, CommissionerQueuePanel


@hooks.register("register_admin_urls")
def register_outcomes_admin_urls():
    return [path("outcomes/", include(admin_urls, namespace="outcomes_admin"))]


@hooks.register("register_admin_menu_item")
def register_outcomes_menu():
    menu = Menu(
        items=[
            ActionMenuItem(
                "Awards",
                reverse("outcomes_admin:awards"),
                name="awards",
                icon_name="tick-inverse",
                order=10,
                action=Action.MANAGE_AWARDS,
            ),
            ActionMenuItem(
                "Returns to review",
                reverse("outcomes_admin:returns"),
                name="returns",
                icon_name="list-ul",
                order=20,
                action=Action.REVIEW_RETURNS,
            ),
            ActionMenuItem(
                "Payments",
                reverse("outcomes_admin:payments"),
                name="payments",
                icon_name="doc-full",
                order=30,
                action=Action.APPROVE_PAYMENTS,
            ),
        ]
    )
    # A short label: the sidebar cuts longer ones off ("Awards and re…").
    return SubmenuMenuItem("Grants", menu, name="outcomes", icon_name="tick-inverse", order=150)


@hooks.register("construct_homepage_panels")
def add_work_queues(request, panels):
    if can(request.user, Action.SCORE_APPLICATION):
        panels.insert(0, AssessorQueuePanel(request.user))
    if can(request.user, Action.MANAGE_AWARDS) or can(request.user, Action.REVIEW_RETURNS):
        panels.insert(0, CommissionerQueuePanel())


# The reporting screens register their own hooks.
from .reporting import hooks as reporting_hooks  # noqa: E402,F401
