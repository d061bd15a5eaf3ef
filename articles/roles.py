"""The newsroom's roles, as auth groups. The data migration creates them; the
newsroom enforces what they mean (newsroom/permissions.py)."""

# Who holds it may publish, schedule and unpublish articles (the Editors).
PUBLISH_PERMISSION = "articles.publish_article"

WRITERS = "Writers"
EDITORS = "Editors"

# codenames in the articles app
ROLE_PERMISSIONS = {
    # Writers write and edit their own drafts and tag them; they cannot publish.
    WRITERS: [
        "add_article",
        "change_article",
        "view_article",
        "view_section",
        "view_organisation",
        "view_topic",
        "view_author",
    ],
    # Editors edit and publish everything and manage the taxonomy and bylines.
    EDITORS: [
        "add_article",
        "change_article",
        "delete_article",
        "view_article",
        "publish_article",
        "add_section",
        "change_section",
        "delete_section",
        "view_section",
        "add_organisation",
        "change_organisation",
        "delete_organisation",
        "view_organisation",
        "add_topic",
        "change_topic",
        "delete_topic",
        "view_topic",
        "add_author",
        "change_author",
        "delete_author",
        "view_author",
    ],
}


# codenames in the images app (the image library, shared by the whole newsroom): writers
# upload and describe pictures, editors also delete them. Given by images' migration 0002.
IMAGE_ROLE_PERMISSIONS = {
    WRITERS: ["add_image", "change_image", "view_image"],
    EDITORS: ["add_image", "change_image", "delete_image", "view_image"],
}
PERMISSIONS_BY_APP = {"articles": ROLE_PERMISSIONS, "images": IMAGE_ROLE_PERMISSIONS}


def sync_roles(group_model, permission_model, app_label="articles"):
    """Create or update the role groups with exactly their permissions in `app_label`
    (those of other apps are left as they are)."""
    for role, codenames in PERMISSIONS_BY_APP[app_label].items():
        group, _ = group_model.objects.get_or_create(name=role)
        permissions = permission_model.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions missing for {role}: {sorted(missing)}")
        group.permissions.remove(*group.permissions.filter(content_type__app_label=app_label))
        group.permissions.add(*permissions)


def ensure_roles():
    """Create the role groups if they are missing.

    Migration 0002 creates them, but `manage.py flush` (and every transactional test, which
    flushes) empties the table; permissions come back through post_migrate, groups do not.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    if Group.objects.filter(name__in=ROLE_PERMISSIONS).count() == len(ROLE_PERMISSIONS):
        return
    # After a flush the content type cache may point at rows that are gone.
    ContentType.objects.clear_cache()
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for app_label in PERMISSIONS_BY_APP:
        sync_roles(Group, Permission, app_label)
