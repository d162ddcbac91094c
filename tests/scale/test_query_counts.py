"""Pages that exist today make the same number of queries on a small and a five-times-larger synthetic
dataset, and at most 15 (issue 7's target). Counted, never timed. New pages join via bench/pages.py."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.measure import resolve
from bench.pages import PAGES, PICKERS, USERS


def count_queries(client, page):
    obj = PICKERS[page.pick]() if page.pick else None
    path, reason = resolve(page, obj)
    if path is None:
        return None
    client.logout()
    user = USERS[page.user]()
    if user is not None:
        client.force_login(user)
    client.get(path)  # warm per-process caches (site root, content types), as in production
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code in (200, 404), f"{page.name}: HTTP {response.status_code}"
    return len(queries) if response.status_code == 200 else None


@pytest.mark.django_db
def test_query_counts_are_bounded_and_flat(client):
    options = {"seed": 1, "today": dt.date(2026, 11, 24)}
    call_command("generate_synthetic", scale=0.05, stdout=open("/dev/null", "w"), **options)
    small = {page.name: count_queries(client, page) for page in PAGES}
    call_command("generate_synthetic", scale=0.25, replace=True, stdout=open("/dev/null", "w"), **options)
    large = {page.name: count_queries(client, page) for page in PAGES}
    measured = {name for name, count in small.items() if count is not None and large[name] is not None}
    assert {"Provider portal dashboard", "Staff calls list (Wagtail admin)"} <= measured
    for name in measured:
        assert small[name] == large[name], f"{name}: {small[name]} queries on the small dataset, {large[name]} on the large"
        assert large[name] <= 15, f"{name}: {large[name]} queries"
