"""Wagtail creates "Moderators" and "Editors" groups; staff roles are the partnership's own (roles.py), so
those two are removed and never offered. Their members (if any) keep their other groups."""

from django.db import migrations

WAGTAIL_DEFAULT_GROUPS = ["Moderators", "Editors"]


def remove_default_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("commissioning", "0003_ranges"),
        # After every Wagtail migration that gives these groups permissions (they look the groups up by name).
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    # Nothing to put back: the groups had no role in this system.
    operations = [migrations.RunPython(remove_default_groups, migrations.RunPython.noop)]
