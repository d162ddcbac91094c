"""Every page the benchmark measures (bench/pages.py: issue 7's main pages and exports, and the older list
pages) answers 200 and makes the same number of SQL queries on a small and a five-times-larger synthetic
dataset, and at most 15 of its own (issue 7's target). Counted, never timed; runs on SQLite and PostgreSQL.

"Its own" is the page's count less its floor's (bench/urls.py: an empty page through the same base template,
as the same user): the session, the user, the Wagtail admin's menu and permission look-ups and the session
save are fixed framework costs every page pays, the same at any data size.
"""

import copy
import datetime as dt
from dataclasses import replace

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.measure import body_of, login, resolve
from bench.pages import FLOORS, PAGES, PICKERS, USERS, ensure_public_pages

MAX_QUERIES = 15
OPTIONS = {"seed": 1, "today": dt.date(2026, 11, 24), "stdout": open("/dev/null", "w")}


def count_queries(client, page):
    """(queries, None) for a page that answers 200, else (None, why not)."""
    obj = PICKERS[page.pick]() if page.pick else None
    path, reason = resolve(page, obj)
    if path is None:
        return None, reason
    client.logout()
    user = USERS[page.user]()
    if user is not None:
        login(client, user)
    body_of(client.get(path))  # warm per-process caches (site root, content types), as in production
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
        body_of(response)  # a streamed export queries while it streams
    if response.status_code != 200:
        return None, f"HTTP {response.status_code} for {path}"
    return len(queries), None


def _measure_all(client):
    ensure_public_pages()
    return {page.name: count_queries(client, page) for page in PAGES}


def _floors(client):
    pairs = {(page.floor, page.user) for page in PAGES}
    return {pair: count_queries(client, replace(FLOORS[pair[0]], user=pair[1]))[0] for pair in pairs}


@pytest.fixture
def bench_urls(settings):
    """The project's URLs plus the bench's floor views and their templates."""
    settings.ROOT_URLCONF = "bench.urls"
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], settings.BASE_DIR / "bench" / "templates"]
    settings.TEMPLATES = templates
    settings.STAFF_2FA_REQUIRED = True  # as in production: staff pages need the OTP-verified session login() gives


def _drop_call_pages():
    """The website's call pages protect their calls; the generator replaces calls, so they go first."""
    from cms.models import CallPage

    for page in CallPage.objects.all():
        page.delete()


@pytest.mark.django_db
def test_every_bench_page_makes_a_bounded_and_flat_number_of_queries(client, bench_urls):
    call_command("generate_synthetic", scale=0.05, **OPTIONS)
    floors = _floors(client)
    assert all(count is not None for count in floors.values()), floors
    small = _measure_all(client)
    _drop_call_pages()
    call_command("generate_synthetic", scale=0.25, replace=True, **OPTIONS)
    large = _measure_all(client)

    problems = []
    for page in PAGES:
        (s, s_reason), (b, b_reason) = small[page.name], large[page.name]
        if s is None or b is None:
            problems.append(f"{page.name}: not measured ({s_reason or b_reason})")
        elif s != b:
            problems.append(f"{page.name}: {s} queries on the small dataset, {b} on the large")
        elif b - floors[(page.floor, page.user)] > MAX_QUERIES:
            floor = floors[(page.floor, page.user)]
            problems.append(f"{page.name}: {b} queries, {b - floor} more than its floor's {floor}")
    assert not problems, "\n".join(problems)
