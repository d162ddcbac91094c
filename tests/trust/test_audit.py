"""Item 7: the audit screen is a filtered, read-only list for administrators; role changes are audited."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from commissioning import audit
from commissioning.models import AuditEntry, Call, User
from commissioning.roles import Role
from tests import factories
from tests.conftest import otp_login
from tests.readable import visible_text


@pytest.fixture(autouse=True)
def _staff_two_factor_enforced(settings):
    settings.STAFF_2FA_REQUIRED = True


@pytest.fixture
def entries(db, organisation, other_organisation, commissioner):
    call = factories.CallFactory()
    application = factories.ApplicationFactory(organisation=organisation, call=call)
    other = factories.ApplicationFactory(organisation=other_organisation, call=call)
    return [
        audit.record(
            actor=commissioner,
            action="application.submitted",
            obj=application,
            from_state="draft",
            to_state="submitted",
        ),
        audit.record(
            actor=None, action="application.withdrawn", obj=other, from_state="submitted", to_state="withdrawn"
        ),
        audit.record(actor=commissioner, action="call.updated", obj=call),
    ]


@pytest.mark.django_db
def test_administrator_sees_the_list(client, administrator, entries):
    otp_login(client, administrator)
    response = client.get(reverse("audit:index"))
    assert response.status_code == 200
    page = visible_text(response.content)
    for label in ["Application submitted", "Application withdrawn", "Call: updated"]:
        assert label in page
    # People read labels, never the stored codes or the field's Python name.
    for code in ["application.submitted", "application.withdrawn", "call.updated", "Object repr"]:
        assert code not in page
    assert "Draft → Submitted" in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ASSESSOR, Role.EXECUTIVE])
def test_other_staff_are_refused(client, role, entries):
    otp_login(client, factories.staff_user(role))
    response = client.get(reverse("audit:index"))
    assert response.status_code in (302, 403)
    if response.status_code == 302:  # Wagtail's "no permission" redirect to the dashboard
        assert response["Location"] == reverse("wagtailadmin_home")
    response = client.get(reverse("audit:inspect", args=[entries[0].pk]))
    assert response.status_code in (302, 403)


@pytest.mark.django_db
def test_commissioner_gets_403_or_dashboard_and_sees_no_entry(client, commissioner, entries):
    otp_login(client, commissioner)
    response = client.get(reverse("audit:index"), follow=True)
    assert b"application.submitted" not in response.content


@pytest.mark.django_db
def test_providers_and_anonymous_never_see_it(client, provider, entries):
    response = client.get(reverse("audit:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(provider)
    response = client.get(reverse("audit:index"), follow=True)
    assert b"application.submitted" not in response.content


@pytest.mark.django_db
def test_filters(client, administrator, commissioner, organisation, entries):
    otp_login(client, administrator)

    def rows(params):
        # The results fragment only: the filter's options name every action.
        return visible_text(client.get(reverse("audit:index_results"), params).content)

    page = rows({"action": "call.updated"})
    assert "Call: updated" in page and "Application submitted" not in page
    page = rows({"organisation": organisation.pk})
    assert "Application submitted" in page and "Application withdrawn" not in page
    page = rows({"actor": commissioner.pk})
    assert "Application withdrawn" not in page and "Call: updated" in page
    page = rows({"content_type": ContentType.objects.get_for_model(Call).pk})
    assert "Call: updated" in page and "Application submitted" not in page
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    page = rows({"created_at__date__gte": tomorrow})
    assert "Application submitted" not in page
    today = timezone.localdate().isoformat()
    page = rows({"created_at__date__gte": today, "created_at__date__lte": today})
    assert "Application submitted" in page


@pytest.mark.django_db
def test_inspect_shows_one_entry(client, administrator, entries):
    otp_login(client, administrator)
    response = client.get(reverse("audit:inspect", args=[entries[0].pk]))
    assert response.status_code == 200
    page = visible_text(response.content)
    assert "Application submitted" in page and "application.submitted" not in page
    assert "Submitted" in page and "Draft" in page


@pytest.mark.django_db
def test_no_add_edit_or_delete_urls_exist_and_posts_change_nothing(client, administrator, entries):
    for name in ["audit:add", "audit:edit", "audit:delete", "audit:copy", "audit:history"]:
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[entries[0].pk]) if name != "audit:add" else reverse(name)
    otp_login(client, administrator)
    before = list(AuditEntry.objects.values_list("pk", "action", "comment"))
    pk = entries[0].pk
    for path in [
        f"/admin/audit/edit/{pk}/",
        f"/admin/audit/delete/{pk}/",
        "/admin/audit/new/",
        f"/admin/audit/inspect/{pk}/",
    ]:
        response = client.post(path, {"action": "tampered", "comment": "tampered"})
        assert response.status_code in (403, 404, 405), path
    assert list(AuditEntry.objects.values_list("pk", "action", "comment")) == before


@pytest.mark.django_db
def test_the_model_refuses_update_and_delete(entries):
    entry = entries[0]
    entry.comment = "changed"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=entry.pk).update(comment="x")
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().delete()


@pytest.mark.django_db
def test_list_query_count_is_bounded(client, administrator, commissioner, organisation, django_assert_max_num_queries):
    otp_login(client, administrator)
    for _ in range(3):
        audit.record(actor=commissioner, action="x.small", obj=organisation)
    with django_assert_max_num_queries(30):
        client.get(reverse("audit:index"))
    for _ in range(40):
        audit.record(actor=factories.UserFactory(), action="x.large", obj=factories.OrganisationFactory())
    with django_assert_max_num_queries(30):
        response = client.get(reverse("audit:index"))
    assert b"x.large" in response.content


# --- role changes -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_adding_and_removing_a_role_is_audited(provider):
    assessor_group = Group.objects.get(name=Role.ASSESSOR)
    provider.groups.add(assessor_group)
    added = AuditEntry.objects.filter(action="role.added", object_id=str(provider.pk)).first()
    assert added.data == {"groups": ["Assessor"]}
    assert added.content_type == ContentType.objects.get_for_model(User)
    provider.groups.remove(assessor_group)
    removed = AuditEntry.objects.get(action="role.removed", object_id=str(provider.pk))
    assert removed.data == {"groups": ["Assessor"]}


@pytest.mark.django_db
def test_clearing_roles_and_changes_from_the_group_side_are_audited(provider, commissioner):
    group = Group.objects.get(name=Role.EXECUTIVE)
    group.user_set.add(commissioner)
    assert AuditEntry.objects.filter(
        action="role.added", object_id=str(commissioner.pk), data__groups=["Executive"]
    ).exists()
    commissioner.groups.clear()
    removed = AuditEntry.objects.get(action="role.removed", object_id=str(commissioner.pk))
    assert removed.data == {"groups": ["Commissioner", "Executive"]}


@pytest.mark.django_db
def test_role_change_in_the_admin_records_the_administrator_as_actor(client, administrator, provider):
    otp_login(client, administrator)
    group = Group.objects.get(name=Role.COMMISSIONER)
    response = client.post(
        reverse("wagtailusers_users:edit", args=[provider.pk]),
        {
            "email": provider.email,
            "first_name": provider.first_name,
            "last_name": provider.last_name,
            "is_active": "on",
            "groups": [str(g.pk) for g in provider.groups.all()] + [str(group.pk)],
            "password1": "",
            "password2": "",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="role.added", object_id=str(provider.pk)).order_by("-pk").first()
    assert entry.actor == administrator and entry.data == {"groups": ["Commissioner"]}
