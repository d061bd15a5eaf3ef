from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    """django.contrib.admin, with `admin.site` being the newsroom's site."""

    default_site = "hkai_site.admin.NewsroomAdminSite"
