from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class NewsroomConfig(AppConfig):
    """The newsroom: the admin's screens for articles, sections, tags and authors."""

    default = True
    name = "newsroom"
    verbose_name = "Newsroom"


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with `admin.site` being the newsroom's site (sites.py). Named
    in INSTALLED_APPS in place of "django.contrib.admin"."""

    default = False
    default_site = "newsroom.sites.NewsroomAdminSite"
