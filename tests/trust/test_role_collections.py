"""Wagtail grants images and documents per collection: the site-editing roles hold them on the root."""

from django.apps import apps
from django.contrib.auth.models import Group
from wagtail.models import Collection, GroupCollectionPermission

from commissioning.role_sync import sync_role_groups
from commissioning.roles import Role

MEDIA = {"add_image", "change_image", "choose_image", "add_document", "change_document", "choose_document"}


def root_codenames(role):
    return set(
        GroupCollectionPermission.objects.filter(
            group__name=role.value, collection=Collection.get_first_root_node()
        ).values_list("permission__codename", flat=True)
    )


def test_commissioners_and_administrators_hold_image_and_document_permissions_on_the_root(db):
    assert root_codenames(Role.COMMISSIONER) == MEDIA
    assert root_codenames(Role.ADMINISTRATOR) == MEDIA
    for role in (Role.PROVIDER, Role.ASSESSOR, Role.EXECUTIVE):
        assert root_codenames(role) == set()


def test_sync_restores_a_removed_grant_and_removes_an_undeclared_one_without_duplicates(db):
    commissioners = Group.objects.get(name=Role.COMMISSIONER.value)
    executives = Group.objects.get(name=Role.EXECUTIVE.value)
    root = Collection.get_first_root_node()
    GroupCollectionPermission.objects.filter(group=commissioners, permission__codename="choose_image").delete()
    stray = GroupCollectionPermission.objects.get(group=commissioners, permission__codename="add_image").permission
    GroupCollectionPermission.objects.create(group=executives, collection=root, permission=stray)
    sync_role_groups(apps)
    sync_role_groups(apps)
    assert root_codenames(Role.COMMISSIONER) == MEDIA
    assert GroupCollectionPermission.objects.filter(group=commissioners).count() == len(MEDIA)
    assert root_codenames(Role.EXECUTIVE) == set()


def test_a_commissioner_opens_the_image_and_document_libraries(otp_client, commissioner):
    client = otp_client(commissioner)
    assert client.get("/admin/images/").status_code == 200
    assert client.get("/admin/documents/").status_code == 200
