import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from commissioning.models import Call, Membership, Organisation, User
from commissioning.roles import Role, roles_of

DEMO_ACCOUNTS = {
    "commissioner@example.org": Role.COMMISSIONER,
    "assessor1@example.org": Role.ASSESSOR,
    "assessor2@example.org": Role.ASSESSOR,
    "assessor3@example.org": Role.ASSESSOR,
    "executive@example.org": Role.EXECUTIVE,
    "admin@example.org": Role.ADMINISTRATOR,
    "provider@example.org": Role.PROVIDER,
}


def counts():
    from django.apps import apps

    from commissioning.models import AuditEntry

    return {model._meta.label: model.objects.count() for model in apps.get_models() if model is not AuditEntry}


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_seed_demo_creates_the_demo_programme_and_is_idempotent():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    first = counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert counts() == first
    for email, role in DEMO_ACCOUNTS.items():
        user = User.objects.get(email=email)
        assert user.check_password("bcsp-demo-2026")
        assert role in roles_of(user)
    assert Organisation.objects.count() >= 5
    assert Membership.objects.get(user__email="provider@example.org").role == "org_admin"
    statuses = {call.status for call in Call.objects.all()}
    assert statuses == {"upcoming", "open", "closed"}


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_seed_demo_refuses_to_run_without_debug():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.filter(email="commissioner@example.org").exists()


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_seed_demo_prints_the_demo_password(capsys):
    call_command("seed_demo")
    assert "bcsp-demo-2026" in capsys.readouterr().out


@pytest.mark.django_db
@override_settings(DEBUG=True, STAFF_2FA_REQUIRED=True)
def test_demo_staff_reach_the_admin_with_the_printed_code(client):
    from io import StringIO

    call_command("seed_demo", stdout=StringIO())
    assert client.login(username="commissioner@example.org", password="bcsp-demo-2026")
    response = client.get("/admin/calls/")
    assert response.status_code == 302 and "/portal/security/verify/" in response["Location"]
    out = StringIO()
    call_command("demo_2fa_code", "commissioner@example.org", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    response = client.post(response["Location"], {"token": code})
    assert response.status_code == 302
    assert client.get("/admin/calls/new/").status_code == 200


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_demo_2fa_code_refuses_without_debug():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_2fa_code", "commissioner@example.org")
