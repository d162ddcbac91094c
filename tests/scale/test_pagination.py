"""Lists that grow with the data are paginated: the staff application list of a call and the theme drill-down
show one page of rows (totals still cover every row), with a link to the next page."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from bench.pages import PICKERS, USERS
from commissioning.admin_views import views as assessment_views
from outcomes.reporting import views as reporting_views


@pytest.fixture
def synthetic(db):
    call_command("generate_synthetic", scale=0.25, seed=1, today=dt.date(2026, 11, 24), stdout=open("/dev/null", "w"))


def test_application_list_shows_one_page_at_a_time(client, synthetic, monkeypatch):
    monkeypatch.setattr(assessment_views, "APPLICATIONS_PER_PAGE", 5)
    client.force_login(USERS["commissioner"]())
    call = PICKERS["call"]()
    path = reverse("assessment_admin:applications", args=[call.pk])
    first = client.get(path)
    assert len(first.context["applications"]) == 5 and first.context["page"].paginator.num_pages > 1
    assert "?p=2" in first.content.decode()
    second = client.get(path, {"p": 2})
    assert {a.pk for a in first.context["applications"]}.isdisjoint({a.pk for a in second.context["applications"]})


def test_theme_drill_down_pages_rows_but_totals_every_project(client, synthetic, monkeypatch):
    monkeypatch.setattr(reporting_views, "PROJECTS_PER_PAGE", 2)
    client.force_login(USERS["executive"]())
    theme = PICKERS["theme"]()
    response = client.get(reverse("reporting:theme", args=[theme.slug]), {"year": "all"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 2
    assert response.context["total_count"] > 2
    assert "p=2" in response.content.decode()
