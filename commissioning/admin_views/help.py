"""Help in the staff area: how BCSP's grant process works, in our words (not Wagtail's editor guide)."""

from django.http import Http404
from django.template.response import TemplateResponse

# slug -> (title, one-line summary); each page is templates/commissioning/admin/help/<slug>.html
HELP_PAGES = {
    "process": ("How BCSP grants work", "From a call for funding to a closed award, and who does what."),
    "assessment": ("Assessing applications", "Eligibility, assigning assessors, conflicts, scoring and moderation."),
    "decisions-and-awards": (
        "Decisions, awards and agreements",
        "Recording and releasing decisions, making an award, the grant agreement and variations.",
    ),
    "returns-and-payments": (
        "Quarterly returns and payments",
        "Reviewing returns, overdue returns, approving and recording payments.",
    ),
    "reporting": ("Reporting and open data", "The executive dashboard, board packs, small numbers and 360Giving."),
    "users-and-roles": (
        "Users, roles and security",
        "Inviting staff, the five roles, two-step sign-in and the audit trail.",
    ),
}


def help_index(request):
    return TemplateResponse(request, "commissioning/admin/help/index.html", {"pages": HELP_PAGES.items()})


def help_page(request, slug):
    if slug not in HELP_PAGES:
        raise Http404("No such help page")
    title, summary = HELP_PAGES[slug]
    return TemplateResponse(
        request,
        f"commissioning/admin/help/{slug}.html",
        {"title": title, "summary": summary, "pages": HELP_PAGES.items(), "slug": slug},
    )
