"""Item 1: every URL pattern in the project, requested as every role, gives only an intended outcome.

HOW TO ADD A URL: add one ``Route(...)`` to ``ROUTES`` (one concrete page, requested as each of the ten
roles with objects of organisation A) or, for a family of third-party URLs, one ``Group(...)`` to
``GROUPS``. ``test_every_url_pattern_has_a_table_entry`` fails and lists every pattern without an entry.
A URL with an id that the portal or staff pages link to also needs an entry in ``ORACLE`` (the ``can()``
question it must ask): the crawl at the end of this module fails and names any that has none.

Outcomes: OK (2xx), LOGIN (redirect to a sign-in page), ADMIN_HOME (Wagtail's "no permission" redirect
to the dashboard), SET_UP (redirect to two-step set-up or verify), REDIRECT (any other redirect),
FORBIDDEN (403), NOT_FOUND (404), NOT_ALLOWED (405). The tenth role is a commissioner who signed in with
a password but has not done the second step: everywhere but the set-up page and signing out, SET_UP.
Whatever the outcome, provider B and the executive must never see organisation A's application text.
"""

import re
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from commissioning import audit
from commissioning.models import AssessmentStatus
from commissioning.roles import Action, Role
from tests import factories
from tests.conftest import otp_login

ANON, PROV_A, PROV_B = "anonymous", "provider_a", "provider_b"
ASSIGNED, UNASSIGNED, CONFLICTED = "assessor_assigned", "assessor_not_assigned", "assessor_conflicted"
COMMISSIONER, EXECUTIVE, ADMINISTRATOR = "commissioner", "executive", "administrator"
UNVERIFIED = "staff_without_second_step"
ROLES = [ANON, PROV_A, PROV_B, ASSIGNED, UNASSIGNED, CONFLICTED, COMMISSIONER, EXECUTIVE, ADMINISTRATOR, UNVERIFIED]
PROVIDERS = [PROV_A, PROV_B]
ASSESSORS = [ASSIGNED, UNASSIGNED, CONFLICTED]
STAFF = [*ASSESSORS, COMMISSIONER, EXECUTIVE, ADMINISTRATOR]
SIGNED_IN = [*PROVIDERS, *STAFF]

OK, LOGIN, ADMIN_HOME, REDIRECT, SET_UP = "OK", "LOGIN", "ADMIN_HOME", "REDIRECT", "SET_UP"
FORBIDDEN, NOT_FOUND, NOT_ALLOWED, BAD_REQUEST = "FORBIDDEN", "NOT_FOUND", "NOT_ALLOWED", "BAD_REQUEST"
DENIED = {FORBIDDEN, ADMIN_HOME}  # Wagtail answers "no permission" with 403 or a redirect to its dashboard

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Text only organisation A's people and the staff who handle it may see.
SECRET = "ORG-A-SECRET-PROJECT"


def expect(default=None, **per_role):
    """{role: set of allowed outcomes}; ``default`` for roles not named, except that staff without their
    second step are sent to set it up unless the entry says otherwise."""
    table = {}
    for role in ROLES:
        value = per_role.get(role, SET_UP if role == UNVERIFIED else default)
        assert value is not None, f"no expectation for {role}"
        table[role] = {value} if isinstance(value, str) else set(value)
    return table


def roles(names, outcome):
    return {name: outcome for name in names}


PUBLIC = expect(OK)
SIGNED_IN_ONLY = expect(OK, anonymous=LOGIN)
# A Wagtail admin screen only administrators may use.
ADMINISTRATORS_ONLY = expect(DENIED, **roles([ANON, *PROVIDERS], LOGIN), administrator=OK)
# A Wagtail admin screen for commissioners and administrators (calls, themes, indicators, organisations).
COMMISSIONING_STAFF = expect(DENIED, **roles([ANON, *PROVIDERS], LOGIN), commissioner=OK, administrator=OK)


# Staff screens in the Wagtail admin: outsiders are sent to sign in; staff without the power are refused.
def staff_screen(**allowed):
    return expect({*DENIED, NOT_FOUND}, **roles([ANON, *PROVIDERS], LOGIN), **allowed)


ASSESSMENT_READERS = staff_screen(**roles([*ASSESSORS, COMMISSIONER, ADMINISTRATOR], OK))
# One application of organisation A's: its assigned assessor and the commissioning staff.
APPLICATION_READERS = staff_screen(**roles([ASSIGNED, COMMISSIONER, ADMINISTRATOR], OK))
COMMISSIONERS = staff_screen(commissioner=OK, administrator=OK)
REPORTING_READERS = staff_screen(commissioner=OK, executive=OK, administrator=OK)
# A provider page about organisation A's own things: A's people only; everyone else learns nothing.
OWN_ORGANISATION = expect({FORBIDDEN, NOT_FOUND}, anonymous=LOGIN, provider_a=OK, provider_b=NOT_FOUND)
# The same, for a form post that succeeds with a redirect.
OWN_ORGANISATION_POST = expect({FORBIDDEN, NOT_FOUND}, anonymous=LOGIN, provider_a=REDIRECT, provider_b=NOT_FOUND)


@dataclass
class Route:
    """One named URL pattern, requested as every role."""

    name: str
    expected: dict
    kwargs: Callable[[dict], dict] = lambda objs: {}
    args: Callable[[dict], tuple] = lambda objs: ()
    method: str = "get"
    query: str = ""
    data: Callable[[dict], dict] = lambda objs: {}


@dataclass
class Group:
    """A family of URL patterns (a Wagtail built-in namespace or name prefix): coverage, plus the
    anonymous/provider sweep of every pattern in it and a per-role check of the ``samples``."""

    label: str
    match: Callable[[str, str], bool]
    samples: list = field(default_factory=list)  # Route entries exercised for every role
    # Providers and anonymous visitors on every pattern in the group:
    outsiders: set = field(default_factory=lambda: {LOGIN, NOT_FOUND})


ROUTES = [
    # --- public site and sign-in ---------------------------------------------------------------------
    Route("wagtail_serve", expect({OK, NOT_FOUND}), args=lambda o: ("",)),
    # Signed in: on to the dashboard (which sends staff without their second step to set it up).
    Route("portal:login", expect(OK, **roles([*SIGNED_IN, UNVERIFIED], REDIRECT))),
    Route("portal:logout", expect(REDIRECT, **{UNVERIFIED: REDIRECT}), method="post"),
    Route("portal:dashboard", SIGNED_IN_ONLY),
    # --- two-factor pages (issue 6, item 2) ---------------------------------------------------------------
    Route("portal:security:overview", SIGNED_IN_ONLY),
    # Staff: already set up, so on to the overview; the one page a staff member without a device may open.
    Route("portal:security:setup", expect(OK, anonymous=LOGIN, **roles(STAFF, REDIRECT), **{UNVERIFIED: OK})),
    Route("portal:security:verify", expect({OK, REDIRECT}, anonymous=LOGIN, provider_a=REDIRECT, provider_b=REDIRECT)),
    Route("portal:security:recovery_codes", SIGNED_IN_ONLY),
    # Turning it off needs the device first: a provider signed in with a password only is asked to verify.
    Route("portal:security:disable", expect(REDIRECT, anonymous=LOGIN, **roles(PROVIDERS, SET_UP)), method="post"),
    # --- audit trail (issue 6, item 7) -------------------------------------------------------------------------
    Route("audit:index", ADMINISTRATORS_ONLY),
    Route("audit:index_results", ADMINISTRATORS_ONLY),
    Route("audit:inspect", ADMINISTRATORS_ONLY, kwargs=lambda o: {"pk": o["audit_entry"].pk}),
    # --- foundation admin screens -------------------------------------------------------------------------------
    *[Route(f"{ns}:index", COMMISSIONING_STAFF) for ns in ["calls", "organisations", "indicators", "themes"]],
    Route("calls:edit", COMMISSIONING_STAFF, kwargs=lambda o: {"pk": o["call"].pk}),
    Route("calls:inspect", COMMISSIONING_STAFF, kwargs=lambda o: {"pk": o["call"].pk}),
    Route("organisations:edit", COMMISSIONING_STAFF, kwargs=lambda o: {"pk": o["org_a"].pk}),
    Route("themes:edit", COMMISSIONING_STAFF, kwargs=lambda o: {"pk": o["theme"].pk}),
    Route("indicators:edit", COMMISSIONING_STAFF, kwargs=lambda o: {"pk": o["indicator"].pk}),
    # --- Wagtail admin entry points ---------------------------------------------------------------------------
    # The staff home (our landing, at Wagtail's home address): the executive lands on reporting.
    Route("wagtailadmin_home", expect(OK, **roles([ANON, *PROVIDERS], LOGIN), executive=REDIRECT)),
    Route("staff_home", expect(OK, **roles([ANON, *PROVIDERS], LOGIN), executive=REDIRECT)),
    # Help pages about BCSP's process: every member of staff.
    Route("bcsp_help:index", expect(OK, **roles([ANON, *PROVIDERS], LOGIN))),
    Route("bcsp_help:page", expect(OK, **roles([ANON, *PROVIDERS], LOGIN)), kwargs=lambda o: {"slug": "process"}),
    # Staff already in: the dashboard (and from there, without a second step, to set-up).
    Route("wagtailadmin_login", expect(OK, **roles([*STAFF, UNVERIFIED], ADMIN_HOME))),
    Route("wagtailadmin_logout", expect(LOGIN, **{UNVERIFIED: LOGIN}), method="post"),
    Route("wagtailadmin_password_reset", PUBLIC),
    Route("wagtailadmin_password_reset_done", PUBLIC),
    Route("wagtailadmin_password_reset_complete", PUBLIC),
    Route("wagtailadmin_password_reset_confirm", PUBLIC, kwargs=lambda o: {"uidb64": "x", "token": "x"}),
    Route("wagtailadmin_javascript_catalog", PUBLIC),
    Route("wagtailadmin_sprite", PUBLIC),
    Route("wagtailcore_login", PUBLIC),
    # --- provider accounts and organisations ----------------------------------------------------------------
    Route("portal:sign_up", expect(OK, **roles(SIGNED_IN, REDIRECT))),
    Route("portal:confirm_email", expect(BAD_REQUEST), kwargs=lambda o: {"token": "x"}),  # "link not valid"
    Route("portal:resend_confirmation", expect(NOT_ALLOWED, anonymous=LOGIN)),  # a button (POST) only
    Route("portal:resend_confirmation", expect(REDIRECT, anonymous=LOGIN), method="post"),
    Route("portal:password_reset", PUBLIC),
    Route("portal:password_reset_done", PUBLIC),
    Route("portal:password_reset_complete", PUBLIC),
    Route("portal:password_reset_confirm", PUBLIC, kwargs=lambda o: {"uidb64": "x", "token": "x"}),
    # A staff invitation's set-password link ("expired or already used" for a bad token).
    Route("portal:invitation", PUBLIC, kwargs=lambda o: {"uidb64": "x", "token": "x"}),
    Route("portal:organisation", expect(FORBIDDEN, anonymous=LOGIN, provider_a=OK, provider_b=OK)),
    Route("portal:organisation_create", expect({OK, FORBIDDEN, REDIRECT}, anonymous=LOGIN)),
    Route("portal:organisation_join", expect({OK, FORBIDDEN, REDIRECT}, anonymous=LOGIN)),
    Route("portal:organisation_detail", OWN_ORGANISATION, kwargs=lambda o: {"pk": o["org_a"].pk}),
    Route("portal:organisation_edit", OWN_ORGANISATION, kwargs=lambda o: {"pk": o["org_a"].pk}),
    Route(
        "portal:membership_decide",
        OWN_ORGANISATION_POST,
        method="post",
        kwargs=lambda o: {"pk": o["membership"].pk},
        data=lambda o: {"decision": "approve"},
    ),
    # --- calls and applications (provider portal) -------------------------------------------------------------
    Route("portal:call", SIGNED_IN_ONLY, kwargs=lambda o: {"pk": o["call"].pk}),
    Route("portal:application", OWN_ORGANISATION, kwargs=lambda o: {"pk": o["application"].pk}),
    Route("portal:section", OWN_ORGANISATION, kwargs=lambda o: {"pk": o["draft"].pk, "key": "project"}),
    Route("portal:outcome_add", OWN_ORGANISATION, kwargs=lambda o: {"pk": o["draft"].pk}),
    Route(
        "portal:outcome_edit", OWN_ORGANISATION, kwargs=lambda o: {"pk": o["draft"].pk, "outcome_pk": o["proposed"].pk}
    ),
    Route(
        "portal:outcome_delete",
        OWN_ORGANISATION,
        kwargs=lambda o: {"pk": o["draft"].pk, "outcome_pk": o["proposed"].pk},
    ),
    Route("portal:budget_line_edit", OWN_ORGANISATION, kwargs=lambda o: {"pk": o["draft"].pk, "line_pk": o["line"].pk}),
    Route(
        "portal:budget_line_delete", OWN_ORGANISATION, kwargs=lambda o: {"pk": o["draft"].pk, "line_pk": o["line"].pk}
    ),
    Route(
        "portal:attachment_delete",
        OWN_ORGANISATION,
        kwargs=lambda o: {"pk": o["draft"].pk, "token": o["draft_file"].token},
    ),
    # A file of an application under assessment, from the portal: asked as the portal's application page
    # asks, so A's people only. Staff download it through their own screen (assessment_admin:attachment).
    Route(
        "portal:attachment_download",
        OWN_ORGANISATION,
        kwargs=lambda o: {"pk": o["application"].pk, "token": o["attachment"].token},
    ),
    # A draft's file: its own organisation only.
    Route(
        "portal:attachment_download",
        OWN_ORGANISATION,
        kwargs=lambda o: {"pk": o["draft"].pk, "token": o["draft_file"].token},
    ),
    Route(
        "portal:submitted",
        expect({FORBIDDEN, NOT_FOUND}, anonymous=LOGIN, provider_a={OK, REDIRECT}, provider_b=NOT_FOUND),
        kwargs=lambda o: {"pk": o["application"].pk},
    ),
    Route("portal:submit", OWN_ORGANISATION, kwargs=lambda o: {"pk": o["draft"].pk}),
    Route("portal:withdraw", OWN_ORGANISATION, kwargs=lambda o: {"pk": o["application"].pk}),
    # Starting an application for organisation A: A's people only (B's provider may not name A).
    Route(
        "portal:application_start",
        expect({FORBIDDEN, NOT_FOUND}, anonymous=LOGIN, provider_a=REDIRECT, provider_b={FORBIDDEN, NOT_FOUND}),
        method="post",
        kwargs=lambda o: {"pk": o["fresh_call"].pk},
        data=lambda o: {"organisation": o["org_a"].pk},
    ),
    # --- awards and returns (provider portal) -----------------------------------------------------------------
    Route("outcomes_portal:awards", expect(FORBIDDEN, anonymous=LOGIN, provider_a=OK, provider_b=OK)),
    Route("outcomes_portal:award", OWN_ORGANISATION, kwargs=lambda o: {"pk": o["award"].pk}),
    Route("outcomes_portal:agreement", OWN_ORGANISATION, kwargs=lambda o: {"pk": o["award"].pk}),
    # Already accepted: organisation A's own post is answered with the award page again (a clear message).
    Route(
        "outcomes_portal:accept",
        expect({FORBIDDEN, NOT_FOUND}, anonymous=LOGIN, provider_a={OK, REDIRECT}, provider_b=NOT_FOUND),
        method="post",
        kwargs=lambda o: {"pk": o["award"].pk},
    ),
    Route(
        "outcomes_portal:decline",
        expect({FORBIDDEN, NOT_FOUND}, anonymous=LOGIN, provider_a={OK, REDIRECT}, provider_b=NOT_FOUND),
        method="post",
        kwargs=lambda o: {"pk": o["award"].pk},
    ),
    Route("outcomes_portal:return", OWN_ORGANISATION, kwargs=lambda o: {"pk": o["return"].pk}),
    Route("outcomes_portal:return_template", OWN_ORGANISATION, kwargs=lambda o: {"pk": o["return"].pk}),
    Route("outcomes_portal:return_upload", OWN_ORGANISATION, kwargs=lambda o: {"pk": o["return"].pk}),
    # --- assessment (staff) -----------------------------------------------------------------------------------
    Route("assessment_admin:index", ASSESSMENT_READERS),
    Route("assessment_admin:applications", ASSESSMENT_READERS, kwargs=lambda o: {"call_pk": o["call"].pk}),
    Route("assessment_admin:application", APPLICATION_READERS, kwargs=lambda o: {"pk": o["application"].pk}),
    Route("assessment_admin:attachment", APPLICATION_READERS, kwargs=lambda o: {"token": o["attachment"].token}),
    # Staff screens never show drafts, so nobody on the staff side downloads a draft's file.
    Route("assessment_admin:attachment", staff_screen(), kwargs=lambda o: {"token": o["draft_file"].token}),
    # Already declared "no conflict": the assigned assessor is taken on to scoring.
    Route(
        "assessment_admin:declare",
        staff_screen(assessor_assigned=REDIRECT),
        kwargs=lambda o: {"pk": o["application"].pk},
    ),
    Route("assessment_admin:score", staff_screen(assessor_assigned=OK), kwargs=lambda o: {"pk": o["application"].pk}),
    Route("assessment_admin:eligibility", COMMISSIONERS, kwargs=lambda o: {"pk": o["application"].pk}),
    Route("assessment_admin:assign", COMMISSIONERS, kwargs=lambda o: {"pk": o["application"].pk}),
    Route("assessment_admin:moderate", COMMISSIONERS, kwargs=lambda o: {"pk": o["application"].pk}),
    Route("assessment_admin:decide", COMMISSIONERS, kwargs=lambda o: {"pk": o["application"].pk}),
    Route("assessment_admin:moderation", COMMISSIONERS, kwargs=lambda o: {"call_pk": o["call"].pk}),
    Route("assessment_admin:export", COMMISSIONERS, kwargs=lambda o: {"call_pk": o["call"].pk, "fmt": "csv"}),
    # Form posts without their fields: the commissioning staff get the page back with a message.
    Route(
        "assessment_admin:bulk_assign",
        staff_screen(commissioner=REDIRECT, administrator=REDIRECT),
        method="post",
        kwargs=lambda o: {"call_pk": o["call"].pk},
    ),
    # Releasing decisions: first the check-and-confirm page, then (confirmed) the release and back.
    Route(
        "assessment_admin:release",
        staff_screen(commissioner=OK, administrator=OK),
        method="post",
        kwargs=lambda o: {"call_pk": o["call"].pk},
    ),
    Route(
        "assessment_admin:release",
        staff_screen(commissioner=REDIRECT, administrator=REDIRECT),
        method="post",
        kwargs=lambda o: {"call_pk": o["call"].pk},
        data=lambda o: {"confirmed": "yes"},
    ),
    Route(
        "assessment_admin:reopen",
        staff_screen(commissioner=REDIRECT, administrator=REDIRECT),
        method="post",
        kwargs=lambda o: {"assessment_pk": o["assessment"].pk},
    ),
    # --- awards, returns and payments (staff) -----------------------------------------------------------------
    Route("outcomes_admin:awards", COMMISSIONERS),
    Route("outcomes_admin:award", COMMISSIONERS, kwargs=lambda o: {"pk": o["award"].pk}),
    Route("outcomes_admin:award_create", COMMISSIONERS, kwargs=lambda o: {"application_id": o["to_award"].pk}),
    Route("outcomes_admin:award_vary", COMMISSIONERS, kwargs=lambda o: {"pk": o["award"].pk}),
    Route("outcomes_admin:award_close", COMMISSIONERS, kwargs=lambda o: {"pk": o["award"].pk}),
    Route("outcomes_admin:returns", COMMISSIONERS),
    Route("outcomes_admin:return_review", COMMISSIONERS, kwargs=lambda o: {"pk": o["return"].pk}),
    Route("outcomes_admin:payments", COMMISSIONERS),
    Route(
        "outcomes_admin:payment_approve",
        staff_screen(commissioner={OK, REDIRECT}, administrator={OK, REDIRECT}),
        method="post",
        kwargs=lambda o: {"pk": o["payment"].pk},
    ),
    Route(
        "outcomes_admin:payment_record",
        staff_screen(commissioner={OK, REDIRECT}, administrator={OK, REDIRECT}),
        method="post",
        kwargs=lambda o: {"pk": o["payment"].pk},
    ),
    # --- reporting (staff; the executive sees totals, never an application's text) ---------------------------
    Route("reporting:dashboard", REPORTING_READERS),
    Route("reporting:theme", REPORTING_READERS, kwargs=lambda o: {"slug": o["theme"].slug}),
    Route("reporting:project", REPORTING_READERS, kwargs=lambda o: {"pk": o["award"].pk}),
    Route("reporting:board_pack", REPORTING_READERS),
    Route("reporting:data", COMMISSIONERS),
    Route("reporting:export", COMMISSIONERS, kwargs=lambda o: {"kind": "organisations", "fmt": "csv"}),
    Route("reporting:import", COMMISSIONERS, kwargs=lambda o: {"kind": "organisations"}),
    # --- new names of funded organisations (commissioning staff) -----------------------------------------------
    Route("name_changes:index", COMMISSIONERS),
    # Without a decision or reason the post is refused with a message: the staff get the page back.
    Route(
        "name_changes:decide",
        staff_screen(commissioner=REDIRECT, administrator=REDIRECT),
        method="post",
        kwargs=lambda o: {"pk": o["name_change"].pk},
    ),
    # --- operations (administrators) ------------------------------------------------------------------------
    Route("email_failures", ADMINISTRATORS_ONLY),
    Route("task_results:index", ADMINISTRATORS_ONLY),
    # --- public website and open data -------------------------------------------------------------------------
    Route("cms:search", PUBLIC),
    Route("cms:sitemap", PUBLIC),
    Route("opendata:360giving_csv", PUBLIC),
    Route("opendata:360giving_json", PUBLIC),
    Route("opendata:360giving_xlsx", PUBLIC),
]

# The rest of the project's URL configuration: families of third-party URLs, named by namespace or prefix.
WAGTAIL_ADMIN_NAMESPACES = [
    "wagtailadmin_pages",
    "wagtailadmin_api",
    "wagtailadmin_collections",
    "wagtailadmin_editing_sessions",
    "wagtailadmin_reports",
    "wagtailadmin_workflows",
    "wagtaildocs",
    "wagtaildocs_chooser",
    "wagtailembeds",
    "wagtailforms",
    "wagtailimages",
    "wagtailimages_chooser",
    "wagtailredirects",
    "wagtailsettings",
    "wagtailsites",
    "wagtailsnippets",
    "wagtailusers_groups",
    "wagtailusers_users",
]
GROUPS = [
    Group(
        "Foundation viewsets' other views (add, edit, delete, history, usage...)",
        lambda name, route: bool(name) and name.split(":")[0] in {"calls", "organisations", "indicators", "themes"},
    ),
    Group("Audit viewset", lambda name, route: bool(name) and name.startswith("audit:")),
    Group(
        "Task results viewset (administrators; read-only)",
        lambda name, route: bool(name) and name.startswith("task_results:"),
    ),
    Group(
        "Wagtail admin namespaces",
        lambda name, route: bool(name) and name.split(":")[0] in WAGTAIL_ADMIN_NAMESPACES,
        samples=[
            # Images and documents are granted per collection: role_sync gives the site editors the root.
            Route("wagtailimages:index", COMMISSIONING_STAFF),
            Route("wagtaildocs:index", COMMISSIONING_STAFF),
            # Wagtail's choosers open for any admin user but list only what that person may choose.
            Route("wagtailimages_chooser:choose", expect(OK, **roles([ANON, *PROVIDERS], LOGIN))),
            Route("wagtaildocs_chooser:choose", expect(OK, **roles([ANON, *PROVIDERS], LOGIN))),
            Route("wagtailusers_users:index", ADMINISTRATORS_ONLY),
            # "Add a user" is the invitation form.
            Route("wagtailusers_users:add", ADMINISTRATORS_ONLY),
            Route("wagtailusers_users:edit", ADMINISTRATORS_ONLY, kwargs=lambda o: {"pk": o["users"][PROV_A].pk}),
            Route("wagtailusers_groups:index", ADMINISTRATORS_ONLY),
            Route("wagtailsites:index", expect(DENIED, **roles([ANON, *PROVIDERS], LOGIN))),
            Route("wagtailredirects:index", expect(DENIED, **roles([ANON, *PROVIDERS], LOGIN))),
            # Commissioners and administrators edit the public site: Wagtail's page reports are theirs too.
            Route("wagtailadmin_reports:aging_pages", COMMISSIONING_STAFF),
        ],
    ),
    Group(
        "Wagtail admin un-namespaced views (pages explorer, choosers, account, tags, bulk actions)",
        lambda name, route: (
            route.startswith("admin/")
            and (name is None or (":" not in name and name.startswith(("wagtailadmin_", "wagtail_bulk"))))
        ),
    ),
    Group(
        "Wagtail documents and private-page passwords (public; Wagtail checks collection privacy)",
        lambda name, route: (
            name
            in {"wagtaildocs_serve", "wagtaildocs_authenticate_with_password", "wagtailcore_authenticate_with_password"}
        ),
        outsiders={OK, NOT_FOUND, REDIRECT},
    ),
]


# --- enumeration ---------------------------------------------------------------------------------------------


def all_patterns():
    """(full name or None, route) for every pattern in the project's URL configuration."""

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = (f"{namespace}:{pattern.name}" if namespace else pattern.name) if pattern.name else None
                yield name, prefix + str(pattern.pattern)

    return list(walk(get_resolver().url_patterns))


def entry_for(name, route):
    for entry in ROUTES:
        if entry.name == name:
            return entry
    for group in GROUPS:
        if group.match(name, route):
            return group
    return None


def test_every_url_pattern_has_a_table_entry():
    missing = sorted(
        f"{name or '(unnamed)'}  [{route}]" for name, route in all_patterns() if entry_for(name, route) is None
    )
    assert not missing, (
        f"{len(missing)} URL pattern(s) have no entry in tests/trust/test_url_permissions.py (add a Route to "
        "ROUTES, or a Group for a third-party family):\n  " + "\n  ".join(missing)
    )


def test_every_route_entry_names_a_real_pattern():
    names = {name for name, route in all_patterns() if name}
    samples = [s.name for g in GROUPS for s in g.samples]
    stale = ({entry.name for entry in ROUTES} | set(samples)) - names
    assert not stale, f"table entries for URL names that no longer exist: {sorted(stale)}"


# --- requests ---------------------------------------------------------------------------------------------


@pytest.fixture
def world(db, settings):
    settings.STAFF_2FA_REQUIRED = True
    org_a = factories.OrganisationFactory(name="Organisation A")
    org_b = factories.OrganisationFactory(name="Organisation B")
    call = factories.CallFactory()
    application = factories.ApplicationFactory(
        call=call, organisation=org_a, project_title=SECRET, summary=f"{SECRET} summary", status="under_assessment"
    )
    users = {
        PROV_A: factories.provider_user(org_a),
        PROV_B: factories.provider_user(org_b),
        ASSIGNED: factories.staff_user(Role.ASSESSOR),
        UNASSIGNED: factories.staff_user(Role.ASSESSOR),
        CONFLICTED: factories.staff_user(Role.ASSESSOR),
        COMMISSIONER: factories.staff_user(Role.COMMISSIONER),
        EXECUTIVE: factories.staff_user(Role.EXECUTIVE),
        ADMINISTRATOR: factories.staff_user(Role.ADMINISTRATOR),
        # Signed in with a password; never set up the second step.
        UNVERIFIED: factories.staff_user(Role.COMMISSIONER),
    }
    factories.AssessmentFactory(application=application, assessor=users[ASSIGNED], status=AssessmentStatus.NO_CONFLICT)
    factories.AssessmentFactory(
        application=application,
        assessor=users[CONFLICTED],
        status=AssessmentStatus.CONFLICTED,
        conflict_description="Trustee",
    )
    entry = audit.record(actor=users[PROV_A], action="application.submitted", obj=application)
    from django.core.files.base import ContentFile

    from commissioning.models import (
        Attachment,
        BudgetLine,
        Indicator,
        Membership,
        OrganisationNameChange,
        ProposedOutcome,
        Theme,
    )
    from outcomes.services.awards import accept_award
    from tests.outcomes.conftest import approved_application, award_for

    attachment = Attachment.objects.create(
        application=application,
        kind="other",
        original_name=f"{SECRET}.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
        file=ContentFile(PDF_BYTES, name="a.pdf"),
    )
    # A draft of organisation A's, for the editing pages (budget line, proposed outcome, file).
    draft = factories.ApplicationFactory(
        call=factories.CallFactory(),
        organisation=org_a,
        project_title=f"{SECRET} draft",
        summary=f"{SECRET} draft summary",
        status="draft",
    )
    line = BudgetLine.objects.create(
        application=draft, category="staff", description=f"{SECRET} worker", financial_year=2025, amount="100.00"
    )
    proposed = ProposedOutcome.objects.create(application=draft, indicator=Indicator.objects.first())
    draft_file = Attachment.objects.create(
        application=draft,
        kind="other",
        original_name=f"{SECRET}-draft.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
        file=ContentFile(PDF_BYTES, name="b.pdf"),
    )
    joiner = factories.UserFactory()
    pending = Membership.objects.create(user=joiner, organisation=org_a)
    # An accepted award of organisation A's, with its returns and payments.
    approved = approved_application(organisation=org_a, reference="TRUST-A-001")
    # A funded project's title is published (360Giving open data, reports): it carries no secret marker.
    award = accept_award(
        award=award_for(approved, users[COMMISSIONER]), actor=users[PROV_A], typed_name=users[PROV_A].get_full_name()
    )
    # An approved application of organisation A's not yet awarded, for the award-creation page.
    to_award = approved_application(organisation=org_a, reference="TRUST-A-002")

    return {
        "org_a": org_a,
        "org_b": org_b,
        "call": call,
        "application": application,
        "users": users,
        "audit_entry": entry,
        "theme": Theme.objects.first(),
        "indicator": Indicator.objects.first(),
        "attachment": attachment,
        "draft": draft,
        "line": line,
        "proposed": proposed,
        "draft_file": draft_file,
        "membership": pending,
        "award": award,
        "return": award.returns.order_by("due_date").first(),
        "payment": award.payments.order_by("sequence").first(),
        "to_award": to_award,
        "fresh_call": factories.CallFactory(),
        "assessment": application.assessments.get(assessor=users[ASSIGNED]),
        "name_change": OrganisationNameChange.objects.create(
            organisation=org_a, old_name=org_a.name, new_name="Organisation A Renamed", requested_by=users[PROV_A]
        ),
    }


def classify(response):
    code = response.status_code
    if 200 <= code < 300:
        return OK
    if code in (301, 302, 303, 307, 308):
        location = response["Location"].split("?")[0]
        if location in {reverse("portal:login"), reverse("wagtailadmin_login"), reverse("wagtailcore_login")}:
            return LOGIN
        if location == reverse("wagtailadmin_home"):
            return ADMIN_HOME
        if location in {reverse("portal:security:setup"), reverse("portal:security:verify")}:
            return SET_UP
        return REDIRECT
    return {400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND, 405: NOT_ALLOWED}.get(code, f"HTTP {code}")


def sign_in(client, world, role):
    if role != ANON:
        user = world["users"][role]
        # Staff with a verified second factor, as in real use; providers (and the staff member who has not
        # done the second step) with a password only.
        otp_login(client, user) if role in STAFF else client.force_login(user)


def check(client, world, role, entry):
    url = reverse(entry.name, args=entry.args(world) or None, kwargs=entry.kwargs(world) or None) + entry.query
    response = getattr(client, entry.method)(url, entry.data(world)) if entry.method == "post" else client.get(url)
    got = classify(response)
    problems = []
    if got not in entry.expected[role]:
        problems.append(
            f"{entry.method.upper()} {url} ({entry.name}) as {role}: got {got}, expected {sorted(entry.expected[role])}"
        )
    if role in {PROV_B, EXECUTIVE, UNASSIGNED, CONFLICTED, ANON} and SECRET.encode() in getattr(
        response, "content", b""
    ):
        problems.append(f"{url} ({entry.name}) as {role}: shows organisation A's application")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_listed_route_gives_the_intended_outcome_for_each_role(client, world, role):
    problems = []
    for entry in [*ROUTES, *[sample for group in GROUPS for sample in group.samples]]:
        client.logout()
        sign_in(client, world, role)
        problems += check(client, world, role, entry)
    assert not problems, "\n".join(problems)


CONVERTER_VALUES = {
    "int": "999999",
    "str": "x",
    "slug": "x",
    "path": "x/y",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def sample_path(route):
    """A concrete path for a route with made-up arguments, or None for regex routes."""
    if "^" in route or "(" in route:
        return None
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: CONVERTER_VALUES.get(m.group(1) or "str", "x"), route)


@pytest.mark.parametrize("role", [ANON, PROV_A, PROV_B, UNVERIFIED])
def test_outsiders_get_nothing_from_any_grouped_pattern(client, world, role):
    """Anonymous visitors and providers, on every pattern of every group (GET and POST): sign-in or 404.
    Staff without their second step: sent to set it up, from every one."""
    sign_in(client, world, role)
    problems = []
    swept = 0
    for name, route in all_patterns():
        entry = entry_for(name, route)
        if not isinstance(entry, Group):
            continue
        path = sample_path(route)
        if path is None:
            continue
        swept += 1
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            got = classify(response)
            if got not in ({SET_UP} if role == UNVERIFIED else entry.outsiders):
                problems.append(f"{method.upper()} {path} ({name or route}) as {role}: got {got}")
            if SECRET.encode() in response.content:
                problems.append(f"{path} ({name or route}) as {role}: shows organisation A's application")
    assert swept > 150
    assert not problems, "\n".join(problems)


def test_a_pattern_without_an_entry_is_reported_by_name(monkeypatch):
    import sys

    module = sys.modules[__name__]
    monkeypatch.setattr(module, "ROUTES", [r for r in ROUTES if r.name != "portal:dashboard"])
    with pytest.raises(AssertionError) as failure:
        test_every_url_pattern_has_a_table_entry()
    assert "portal:dashboard  [portal/]" in str(failure.value)
    assert "1 URL pattern(s) have no entry" in str(failure.value)


# --- the crawl: every link with an id, as every other role ------------------------------------------------
#
# The table above names one URL per pattern. The crawl instead follows the links the pages really show: as
# organisation A's provider and as each staff role it walks the portal and staff screens of a populated
# database, collects every URL that carries an id (or a token or slug), then requests each one as every
# role. Whoever ``can()`` allows gets the page (or a redirect within it); everyone else gets 403, 404, a
# sign-in page or Wagtail's "no permission" redirect; staff without their second step get the set-up page.

FOLLOW_NAMESPACES = {
    "portal",
    "outcomes_portal",
    "assessment_admin",
    "outcomes_admin",
    "reporting",
    "calls",
    "organisations",
    "themes",
    "indicators",
    "audit",
    "name_changes",
}
NOT_FOLLOWED = {"portal:logout", "wagtailadmin_logout"}
COLLECTORS = [PROV_A, ASSIGNED, COMMISSIONER, EXECUTIVE, ADMINISTRATOR]
PROVIDER_START = ["portal:dashboard", "portal:organisation", "outcomes_portal:awards"]
STAFF_START = [
    "wagtailadmin_home",
    "assessment_admin:index",
    "outcomes_admin:awards",
    "outcomes_admin:returns",
    "outcomes_admin:payments",
    "reporting:dashboard?year=all",
    "reporting:data",
    "calls:index",
    "organisations:index",
    "themes:index",
    "indicators:index",
    "audit:index",
    "name_changes:index",
]
MAX_PAGES_PER_COLLECTOR = 250
SAMPLES_PER_MODEL_SCREEN = 3
HREF = re.compile(r'href="([^"#][^"]*)"')
ALLOWED_OUTCOMES = {OK, REDIRECT}
REFUSED_OUTCOMES = {FORBIDDEN, NOT_FOUND, ADMIN_HOME, LOGIN}


def _application(kw):
    from commissioning.models import Application

    return Application.objects.get(pk=kw["pk"])


def _attachment_application(kw):
    from commissioning.models import Attachment

    return Attachment.objects.select_related("application").get(token=kw["token"]).application


def _organisation(kw):
    from commissioning.models import Organisation

    return Organisation.objects.get(pk=kw["pk"])


def _award(kw):
    from outcomes.models import Award

    return Award.objects.get(pk=kw["pk"])


def _return(kw):
    from outcomes.models import QuarterlyReturn

    return QuarterlyReturn.objects.get(pk=kw["pk"])


def _asks(action, load=None):
    """The oracle for a URL whose view must answer ``can(user, action, <the object the URL names>)``."""
    from commissioning.permissions import can

    return lambda user, kw: can(user, action, load(kw) if load else None)


def _reads_application(load):
    from commissioning.permissions import can_read_application

    return lambda user, kw: can_read_application(user, load(kw))


def _reads_applications(user, kw):
    from commissioning.permissions import can

    return can(user, Action.VIEW_ALL_APPLICATIONS) or can(user, Action.SCORE_APPLICATION)


# URL name -> (user, url kwargs) -> may this user have the page? Written with can(), the one question.
ORACLE = {
    "portal:call": lambda user, kw: True,  # any signed-in person may read a call
    "portal:organisation_detail": _asks(Action.VIEW_OWN_ORGANISATION, _organisation),
    "portal:organisation_edit": _asks(Action.MANAGE_ORGANISATION_MEMBERS, _organisation),
    **{
        f"portal:{name}": _asks(Action.APPLY, _application)
        for name in [
            "application",
            "section",
            "outcome_add",
            "outcome_edit",
            "outcome_delete",
            "budget_line_edit",
            "budget_line_delete",
            "attachment_download",
            "attachment_delete",
            "submit",
            "submitted",
            "withdraw",
        ]
    },
    **{f"outcomes_portal:{n}": _asks(Action.VIEW_OWN_ORGANISATION, _award) for n in ["award", "agreement"]},
    **{
        f"outcomes_portal:{n}": _asks(Action.VIEW_OWN_ORGANISATION, _return)
        for n in ["return", "return_template", "return_upload"]
    },
    "assessment_admin:applications": _reads_applications,
    "assessment_admin:application": _reads_application(_application),
    "assessment_admin:attachment": _reads_application(_attachment_application),
    "assessment_admin:declare": _asks(Action.SCORE_APPLICATION, _application),
    "assessment_admin:score": _asks(Action.SCORE_APPLICATION, _application),
    "assessment_admin:eligibility": _asks(Action.CHECK_ELIGIBILITY, _application),
    "assessment_admin:assign": _asks(Action.ASSIGN_ASSESSORS, _application),
    "assessment_admin:moderate": _asks(Action.MODERATE, _application),
    "assessment_admin:decide": _asks(Action.DECIDE, _application),
    "assessment_admin:moderation": _asks(Action.MODERATE),
    "assessment_admin:export": _asks(Action.EXPORT_APPLICATIONS),
    "outcomes_admin:award": _asks(Action.MANAGE_AWARDS, _award),
    "outcomes_admin:award_vary": _asks(Action.MANAGE_AWARDS, _award),
    "outcomes_admin:award_close": _asks(Action.MANAGE_AWARDS, _award),
    "outcomes_admin:award_create": _asks(Action.MANAGE_AWARDS),
    "outcomes_admin:return_review": _asks(Action.REVIEW_RETURNS, _return),
    "reporting:theme": _asks(Action.VIEW_REPORTING),
    "reporting:project": _asks(Action.VIEW_REPORTING, _award),
    "reporting:export": _asks(Action.IMPORT_DATA),
    "reporting:import": _asks(Action.IMPORT_DATA),
}
# Wagtail viewsets (calls, organisations, themes, indicators, audit) ask their permission policy, which
# roles.ROLE_MODEL_PERMISSIONS (or a policy over can()) keeps in step with the role table.
VIEWSET_NAMESPACES = {"calls", "organisations", "themes", "indicators", "audit"}


def oracle_for(name):
    if name in ORACLE:
        return ORACLE[name]
    if name.split(":")[0] in VIEWSET_NAMESPACES:
        return _viewset_policy_allows
    return None


def _viewset_policy_allows(user, kw, *, match):
    view = match.func.view_class(**match.func.view_initkwargs)
    if not user.has_perm("wagtailadmin.access_admin"):
        return False
    if view.permission_required:
        return view.permission_policy.user_has_permission(user, view.permission_required)
    if view.any_permission_required:
        return view.permission_policy.user_has_any_permission(user, view.any_permission_required)
    return True


def _links(response, base):
    """Same-site links on the page as (path, path with its query), without the fragment."""
    from html import unescape
    from urllib.parse import urljoin, urlsplit

    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return []
    found = []
    for href in HREF.findall(response.content.decode("utf-8", "replace")):
        parts = urlsplit(urljoin(base, unescape(href)))
        if parts.netloc not in {"", "testserver"} or parts.scheme not in {"", "http"}:
            continue
        found.append((parts.path, parts.path + (f"?{parts.query}" if parts.query else "")))
    return found


def _resolve(path):
    from django.urls import Resolver404, resolve

    try:
        return resolve(path)
    except Resolver404:
        return None


def crawl(client, world, role):
    """Walk the pages ``role`` sees; return {path: url name} for every link carrying an id on them. Wagtail's
    model-level screens (an indicator's edit, history and usage pages...) are followed a few times each: every
    row's page has the same links and the same permission."""

    client.logout()
    sign_in(client, world, role)
    starts = PROVIDER_START if role in PROVIDERS else STAFF_START
    queue = deque()
    for start in starts:
        name, _, query = start.partition("?")
        queue.append(reverse(name) + (f"?{query}" if query else ""))
    # A path is visited once, with the query of the first link to it (filters such as ?year=all carry on
    # from page to page); URLs are collected without their query.
    seen, with_ids = {url.split("?")[0] for url in queue}, {}
    followed = Counter()
    fetched = 0
    while queue and fetched < MAX_PAGES_PER_COLLECTOR:
        url = queue.popleft()
        response = client.get(url)
        fetched += 1
        for link, link_with_query in _links(response, url):
            match = _resolve(link)
            if match is None or match.view_name in NOT_FOLLOWED:
                continue
            if match.view_name.split(":")[0] not in FOLLOW_NAMESPACES:
                continue
            if match.kwargs:
                with_ids[link] = match.view_name
            if link not in seen and not _enough_of(match.view_name, followed):
                seen.add(link)
                followed[match.view_name] += 1
                queue.append(link_with_query)
    return with_ids


def _enough_of(name, counts):
    return name.split(":")[0] in VIEWSET_NAMESPACES and counts[name] >= SAMPLES_PER_MODEL_SCREEN


def replayed(collected):
    """Every collected URL whose answer can depend on its object (portal, assessment, awards, returns,
    reporting); of Wagtail's model-level screens (one permission for every row), the first few of each."""
    counts = Counter()
    chosen = {}
    for path, name in sorted(collected.items()):
        if _enough_of(name, counts):
            continue
        counts[name] += 1
        chosen[path] = name
    return chosen


def expected_outcomes(role, user, path, name):
    if role == ANON:
        return {LOGIN}
    if role == UNVERIFIED:
        return {SET_UP}
    match = _resolve(path)
    oracle = oracle_for(name)
    if oracle is _viewset_policy_allows:
        allowed = _viewset_policy_allows(user, match.kwargs, match=match)
    else:
        allowed = oracle(user, match.kwargs)
    return ALLOWED_OUTCOMES if allowed else REFUSED_OUTCOMES


@pytest.fixture
def crawl_world(world):
    """World plus organisation B's own submitted application with a file, so that staff collect B's links
    too and organisation A's provider is refused them."""
    application_b = factories.ApplicationFactory(
        call=world["call"], organisation=world["org_b"], project_title="Organisation B project", status="submitted"
    )
    factories.AttachmentFactory(application=application_b, original_name="b-accounts.pdf")
    return world


# Links the crawl must find, so that a page losing its links (or the crawl losing its way) fails here.
MUST_COLLECT = {
    "portal:application",
    "portal:section",
    "portal:attachment_download",
    "portal:attachment_delete",
    "portal:budget_line_edit",
    "portal:outcome_edit",
    "outcomes_portal:award",
    "outcomes_portal:agreement",
    "outcomes_portal:return",
    "outcomes_portal:return_template",
    "assessment_admin:application",
    "assessment_admin:attachment",
    "assessment_admin:score",
    "assessment_admin:export",
    "outcomes_admin:award",
    "outcomes_admin:return_review",
    "reporting:project",
    "reporting:export",
    "organisations:edit",
    "audit:inspect",
}


def test_every_linked_url_with_an_id_answers_every_role_as_can_allows(client, crawl_world):
    world = crawl_world
    collected = {}
    for role in COLLECTORS:
        collected.update(crawl(client, world, role))
    names = set(collected.values())
    assert MUST_COLLECT <= names, f"the crawl did not find: {sorted(MUST_COLLECT - names)}"
    unknown = sorted({name for name in names if oracle_for(name) is None})
    assert not unknown, f"linked URLs with ids and no ORACLE entry (add the can() question they ask): {unknown}"

    requested = replayed(collected)
    problems = []
    for role in ROLES:
        client.logout()
        sign_in(client, world, role)
        user = world["users"].get(role)
        for path, name in sorted(requested.items()):
            response = client.get(path)
            got = classify(response)
            wanted = expected_outcomes(role, user, path, name)
            if got not in wanted:
                problems.append(f"GET {path} ({name}) as {role}: got {got}, expected one of {sorted(wanted)}")
            if role in {PROV_B, EXECUTIVE, UNASSIGNED, CONFLICTED, ANON, UNVERIFIED} and SECRET.encode() in (
                b"".join(response.streaming_content) if response.streaming else response.content
            ):
                problems.append(f"GET {path} ({name}) as {role}: shows organisation A's application")
    assert len(collected) > 60, f"only {len(collected)} URLs with ids were found"
    assert not problems, f"{len(problems)} of {len(requested) * len(ROLES)} requests:\n" + "\n".join(problems)
