"""The newsroom's roles may use the image library: writers upload and describe images,
editors also delete them (articles/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def give_roles_the_library(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate).
    app_config = apps.get_app_config("images")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    from articles.roles import sync_roles

    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), "images")


def take_the_library_back(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.all():
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="images"))


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0001_initial"),
        ("articles", "0002_roles"),
    ]

    operations = [migrations.RunPython(give_roles_the_library, take_the_library_back)]
