"""Let commissioners and administrators create, edit and publish website pages (call pages included).

Wagtail checks page permissions against the page tree (GroupPagePermission), not only model permissions,
so the role groups get them on the tree's root node, which every site's pages sit under."""

from django.db import migrations

PAGE_EDITOR_GROUPS = ["Commissioner", "Administrator"]
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    root = Page.objects.filter(depth=1).first()
    if root is None:
        return
    permissions = Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS)
    for group in Group.objects.filter(name__in=PAGE_EDITOR_GROUPS):
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)


def revoke(apps, schema_editor):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupPagePermission.objects.filter(
        group__name__in=PAGE_EDITOR_GROUPS, page__depth=1, permission__codename__in=PAGE_PERMISSIONS
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("commissioning", "0002_themes_indicators_roles"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
