"""Create the role groups and give each exactly the model permissions declared in ``roles.py``.

Called by a data migration (so a fresh database has the groups) and after every ``migrate``
(so a change to the declared permissions reaches existing databases).
"""

from django.contrib.auth.management import create_permissions

from .roles import ROLE_MODEL_PERMISSIONS


def sync_role_groups(apps, verbosity=0):
    # Model permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        if getattr(app_config, "models_module", None) is None:
            app_config.models_module = True
            create_permissions(app_config, apps=apps, verbosity=0)
            app_config.models_module = None
        else:
            create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perm_names in ROLE_MODEL_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = []
        for name in perm_names:
            app_label, codename = name.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is None:
                raise LookupError(f"Permission {name} declared for {role} does not exist.")
            wanted.append(perm)
        group.permissions.set(wanted)
        _sync_collection_permissions(apps, group, wanted)


# Wagtail grants images and documents per collection, not by model permission alone: a role that holds
# e.g. ``wagtailimages.add_image`` also gets it on the root collection (and so on every collection).
COLLECTION_APPS = {"wagtailimages", "wagtaildocs"}


def _sync_collection_permissions(apps, group, wanted):
    try:
        Collection = apps.get_model("wagtailcore", "Collection")
        GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    except LookupError:
        return  # Wagtail's tables do not exist yet; the post-migrate sync does this.
    root = Collection.objects.filter(depth=1).first()
    if root is None:
        return
    declared = [perm for perm in wanted if perm.content_type.app_label in COLLECTION_APPS]
    on_root = GroupCollectionPermission.objects.filter(
        group=group, collection=root, permission__content_type__app_label__in=COLLECTION_APPS
    )
    on_root.exclude(permission__in=declared).delete()
    have = set(on_root.values_list("permission_id", flat=True))
    GroupCollectionPermission.objects.bulk_create(
        [
            GroupCollectionPermission(group=group, collection=root, permission=perm)
            for perm in declared
            if perm.pk not in have
        ]
    )
