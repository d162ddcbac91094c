"""Issue 14, item 6: the staff area is the partnership's: branding, no outside avatars, each role's landing,
our own help, invitations instead of passwords, a role column and only BCSP roles."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.urls import reverse

from commissioning.models import AuditEntry, User
from commissioning.roles import Role
from tests import factories
from tests.conftest import is_refused
from tests.readable import visible_text

pytestmark = pytest.mark.django_db


def test_branding_on_the_login_page_and_every_admin_page(client, commissioner):
    login = client.get(reverse("wagtailadmin_login")).content.decode()
    assert "Sign in to the BCSP Grants staff area" in login and "bcsp/logo.svg" in login
    assert "Sign in to Wagtail" not in login
    client.force_login(commissioner)
    page = client.get(reverse("outcomes_admin:awards")).content.decode()
    assert re.search(r"<title>Awards - BCSP Grants staff area</title>", page)
    assert "bcsp/logo.svg" in page and "bcsp/favicon.svg" in page


def test_no_request_leaves_the_site_for_avatars(client, commissioner):
    """Wagtail's Gravatar is off: the avatar is Wagtail's own image, served from this site."""
    client.force_login(commissioner)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "gravatar" not in page.lower()
    sources = re.findall(r'<img[^>]+src="([^"]+)"', page)
    assert sources and all(src.startswith(("/static/", "data:")) for src in sources), sources


def test_top_level_menu_labels_fit_the_sidebar(client, administrator):
    """The sidebar cuts labels of more than about 14 characters ("Awards and re…")."""
    client.force_login(administrator)
    from wagtail.admin.menu import admin_menu

    request = client.get(reverse("wagtailadmin_home")).wsgi_request
    labels = [str(item.label) for item in admin_menu.menu_items_for_request(request)]
    assert "Grants" in labels and "Awards and returns" not in labels
    assert all(len(label) <= 14 for label in labels), labels


def test_each_role_lands_where_its_work_is(client, commissioner, executive, assessor):
    client.force_login(executive)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302 and response["Location"] == reverse("reporting:dashboard")
    client.force_login(commissioner)
    assert "Your work queue" in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(assessor)
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Your assessments" in body or "Waiting for your conflict declaration" in body


def test_a_refused_person_is_told_and_sent_home(client, executive):
    """One refusal everywhere: Wagtail's own (the admin home, with its message)."""
    client.force_login(executive)
    for url in [reverse("assessment_admin:index"), reverse("outcomes_admin:awards"), reverse("audit:index")]:
        assert is_refused(client.get(url)), url
    page = client.get(reverse("outcomes_admin:awards"), follow=True).content.decode()
    assert "Sorry, you do not have permission to access this area." in page


def test_help_is_about_bcsp_not_wagtail(client, assessor):
    from wagtail.admin.menu import help_menu

    from commissioning.admin_views.help import HELP_PAGES

    client.force_login(assessor)
    request = client.get(reverse("bcsp_help:index")).wsgi_request
    names = [item.name for item in help_menu.menu_items_for_request(request)]
    assert "bcsp-help" in names and "editor-guide" not in names
    assert not any(name.startswith("whats-new") for name in names)
    for slug, (title, _summary) in HELP_PAGES.items():
        page = visible_text(client.get(reverse("bcsp_help:page", args=[slug])).content)
        assert title in page and "Wagtail" not in page
    assert client.get(reverse("bcsp_help:page", args=["nope"])).status_code == 404
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "editor guide" not in home.lower() and reverse("bcsp_help:index") in home


def invite(client, **overrides):
    data = {"email": "new.assessor@example.test", "first_name": "Nia", "last_name": "Assessor", "role": "Assessor"}
    return client.post(reverse("wagtailusers_users:add"), {**data, **overrides})


def test_administrator_invites_by_email_with_a_set_password_link(
    client, administrator, django_capture_on_commit_callbacks
):
    client.force_login(administrator)
    form = client.get(reverse("wagtailusers_users:add")).content.decode()
    assert "Invite someone" in form and "password" not in visible_text(form).lower().split("choose their own")[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client)
    assert response.status_code == 302
    user = User.objects.get(email="new.assessor@example.test")
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == ["Assessor"]
    entry = AuditEntry.objects.get(action="account.invited", object_id=str(user.pk))
    assert entry.actor == administrator and entry.comment == "Assessor"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.assessor@example.test"]
    body = mail.outbox[0].body
    assert "within 3 days" in body
    link = re.search(r"(/portal/invitation/[^/\s]+/[^/\s]+/)", body).group(1)

    client.logout()
    page = client.get(link, follow=True)
    assert "Choose your password" in page.content.decode()
    set_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    response = client.post(
        set_url, {"new_password1": "a-long-unusual-phrase-42", "new_password2": "a-long-unusual-phrase-42"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_login")
    user.refresh_from_db()
    assert user.check_password("a-long-unusual-phrase-42") and user.email_confirmed_at
    assert AuditEntry.objects.filter(action="account.password_set", object_id=str(user.pk)).exists()
    # One use only.
    assert "expired or has already been used" in client.get(link, follow=True).content.decode()


def test_invitation_link_expires(client, administrator, settings, monkeypatch, django_capture_on_commit_callbacks):
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client)
    link = re.search(r"(/portal/invitation/[^/\s]+/[^/\s]+/)", mail.outbox[0].body).group(1)
    client.logout()
    later = dt.datetime.now() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    assert "expired or has already been used" in client.get(link, follow=True).content.decode()


def test_only_administrators_invite_and_only_to_staff_roles(client, administrator, commissioner):
    client.force_login(commissioner)
    assert is_refused(invite(client)) and not User.objects.filter(email="new.assessor@example.test").exists()
    client.force_login(administrator)
    response = invite(client, role="Provider")
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    invite(client)
    response = invite(client, email="NEW.assessor@example.test")
    assert "Someone already has an account with this email address." in response.content.decode()


def test_users_list_has_a_role_column(client, administrator, commissioner, executive):
    client.force_login(administrator)
    page = visible_text(client.get(reverse("wagtailusers_users:index")).content)
    assert "Role" in page and "Commissioner" in page and "Executive" in page


def test_only_bcsp_roles_are_offered(client, administrator, commissioner):
    assert not Group.objects.filter(name__in=["Moderators", "Editors"]).exists()
    client.force_login(administrator)
    response = client.get(reverse("wagtailusers_users:edit", args=[commissioner.pk]))
    offered = set(response.context["form"].fields["groups"].queryset.values_list("name", flat=True))
    assert offered == {role.value for role in Role}
    assert 'name="password1"' not in response.content.decode()


def test_the_role_column_costs_the_same_queries_for_more_people(client, administrator, django_assert_max_num_queries):
    client.force_login(administrator)
    client.get(reverse("wagtailusers_users:index"))
    with django_assert_max_num_queries(40) as first:
        client.get(reverse("wagtailusers_users:index"))
    for _ in range(10):
        factories.staff_user(Role.ASSESSOR)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("wagtailusers_users:index"))
