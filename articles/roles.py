"""The newsroom's roles, as auth groups. The data migration creates them; the
admin enforces what they mean (see articles/admin.py)."""

WRITERS = "Writers"
EDITORS = "Editors"

# codenames in the articles app
ROLE_PERMISSIONS = {
    # Writers write and edit their own drafts and tag them; they cannot publish.
    WRITERS: [
        "add_article", "change_article", "view_article",
        "view_section", "view_organisation", "view_topic", "view_author",
    ],
    # Editors edit and publish everything and manage the taxonomy and bylines.
    EDITORS: [
        "add_article", "change_article", "delete_article", "view_article", "publish_article",
        "add_section", "change_section", "delete_section", "view_section",
        "add_organisation", "change_organisation", "delete_organisation", "view_organisation",
        "add_topic", "change_topic", "delete_topic", "view_topic",
        "add_author", "change_author", "delete_author", "view_author",
    ],
}


def sync_roles(group_model, permission_model):
    """Create or update the role groups with exactly their permissions."""
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        permissions = permission_model.objects.filter(
            content_type__app_label="articles", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions missing for {role}: {sorted(missing)}")
        group.permissions.set(permissions)
