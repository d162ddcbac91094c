"""The pages the benchmark measures. Adding a page is one ``Page(...)`` entry in ``PAGES``.

Each entry names the page by URL name (``url``, reversed with ``args`` taken from the picked object) or by
literal ``path``; says who requests it (``user``: a key of ``USERS``) and which object it is about (``pick``:
a key of ``PICKERS``); and its ``kind``, which decides the target it is held to:
- "paginated": a list or detail page; scale 10 may be at most 1.2x scale 1;
- "aggregate": summarises the year's data (dashboard, drill-down); scale 10 may be at most 2x scale 1;
- "export": a download; an XLSX is compared with bare openpyxl writing the same cells (at most
  ``openpyxl_ratio`` times as long).
``floor`` says which floor view it is compared with: "public" (base.html) or "admin" (Wagtail admin).

Only some pages: ``make bench BENCH_ARGS="--pages 'Board pack'"`` (names, comma-separated).

URL names are resolved when the bench runs: an entry whose URL does not resolve is reported "not
available" with the reason, never counted as a pass.
"""

from dataclasses import dataclass, field

from django.db.models import Count


@dataclass(frozen=True)
class Page:
    name: str
    user: str
    url: str = ""  # URL name, e.g. "portal:dashboard"
    path: str = ""  # or a literal path, formatted with the picked object: "/projects/{obj.pk}/"
    pick: str = ""
    args: tuple = field(default_factory=tuple)  # attribute names of the picked object, for reverse()
    literal_args: tuple = field(default_factory=tuple)  # fixed arguments after those, e.g. a format
    kind: str = "paginated"
    floor: str = "public"
    wagtail_page: bool = False  # the path is served by a Wagtail page (the catch-all), not a Django view
    openpyxl_ratio: float = 1.5  # an XLSX export's target: at most this many times bare openpyxl


PAGES = [
    Page("Public home page", user="anonymous", path="/", wagtail_page=True),
    Page("Provider portal dashboard", user="provider", url="portal:dashboard"),
    Page("Staff calls list (Wagtail admin)", user="commissioner", url="calls:index", floor="admin"),
    Page(
        "Staff call inspect (Wagtail admin)",
        user="commissioner",
        url="calls:inspect",
        pick="call",
        args=("pk",),
        floor="admin",
    ),
    Page("Staff organisations list (Wagtail admin)", user="commissioner", url="organisations:index", floor="admin"),
    # Issue 7's main pages.
    Page("Executive dashboard", user="executive", url="reporting:dashboard", kind="aggregate", floor="admin"),
    Page(
        "Theme drill-down",
        user="executive",
        url="reporting:theme",
        pick="theme",
        args=("slug",),
        kind="aggregate",
        floor="admin",
    ),
    Page("Project page", user="executive", url="reporting:project", pick="award", args=("pk",), floor="admin"),
    Page(
        "Award page (staff)", user="commissioner", url="outcomes_admin:award", pick="award", args=("pk",), floor="admin"
    ),
    Page(
        "Staff application list",
        user="commissioner",
        url="assessment_admin:applications",
        pick="call",
        args=("pk",),
        floor="admin",
    ),
    Page(
        "Moderation panel",
        user="commissioner",
        url="assessment_admin:moderation",
        pick="call",
        args=("pk",),
        floor="admin",
    ),
    Page("Provider awards list", user="provider", url="outcomes_portal:awards"),
    Page(
        "Return review",
        user="commissioner",
        url="outcomes_admin:return_review",
        pick="submitted_return",
        args=("pk",),
        floor="admin",
    ),
    Page("Public funded-projects page", user="anonymous", path="/funded-projects/", wagtail_page=True),
    Page("360Giving export", user="anonymous", url="opendata:360giving_json", kind="export"),
    # Issue 12: within 2x bare openpyxl (it also styles, fills, sets up printing and draws a chart).
    Page("Board pack", user="executive", url="reporting:board_pack", kind="export", floor="admin", openpyxl_ratio=2.0),
    Page(
        "Application XLSX export",
        user="commissioner",
        url="assessment_admin:export",
        pick="call",
        args=("pk",),
        literal_args=("xlsx",),
        kind="export",
        floor="admin",
    ),
]

FLOORS = {
    "public": Page("Floor: trivial view through base.html", user="anonymous", url="bench_floor"),
    "admin": Page("Floor: trivial view through the Wagtail admin base", user="commissioner", url="bench_admin_floor"),
}


def _user(email):
    from commissioning.models import User

    return User.objects.get(email=email)


def _busiest_provider():
    """The org admin of the organisation with the most awards, then applications: the heaviest provider pages."""
    from commissioning.models import Membership, Organisation

    org = (
        Organisation.objects.annotate(awards_n=Count("awards", distinct=True), n=Count("applications", distinct=True))
        .order_by("-awards_n", "-n", "pk")
        .first()
    )
    return Membership.objects.filter(organisation=org, role="org_admin").select_related("user").first().user


USERS = {
    "anonymous": lambda: None,
    "provider": _busiest_provider,
    "commissioner": lambda: _user("commissioner.b00@synthetic.example"),
    "assessor": lambda: _user("assessor1.b00@synthetic.example"),
    "executive": lambda: _user("executive.b00@synthetic.example"),
    "administrator": lambda: _user("admin.b00@synthetic.example"),
}


def _pick(model_path, **filters):
    def pick():
        from django.apps import apps

        return apps.get_model(model_path).objects.filter(**filters).order_by("pk").first()

    return pick


def _busiest_call():
    from commissioning.models import Call

    return Call.objects.annotate(n=Count("applications")).order_by("-n", "pk").first()


def _busiest_active_award():
    """The active award with the most quarterly returns: the fullest project and award pages."""
    from outcomes.models import Award

    return Award.objects.filter(status="active").annotate(n=Count("returns")).order_by("-n", "pk").first()


def ensure_public_pages():
    """The public website's pages (home, themes, calls, funded projects...): the generator makes grants data
    only, and the funded-projects page is a Wagtail page. Idempotent."""
    from cms.demo import seed_website

    seed_website()


PICKERS = {
    "call": _busiest_call,
    "theme": _pick("commissioning.Theme"),
    "award": _busiest_active_award,
    "application": _pick("commissioning.Application", status="approved"),
    "submitted_return": _pick("outcomes.QuarterlyReturn", status="submitted"),
}


def selected(names: str):
    """The pages named (comma-separated; all when empty). An unknown name is an error, not a silent skip."""
    if not names:
        return PAGES
    wanted = [name.strip() for name in names.split(",") if name.strip()]
    unknown = sorted(set(wanted) - {page.name for page in PAGES})
    if unknown:
        raise SystemExit(f"No page named {', '.join(map(repr, unknown))} in bench/pages.py.")
    return [page for page in PAGES if page.name in wanted]
