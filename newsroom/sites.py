"""The newsroom's admin site: Django's AdminSite with its "view on site" redirect checked
against the object's ModelAdmin, so that a writer cannot learn the address (and so the
title, from the slug) of another writer's draft by guessing /admin/r/<type>/<id>/."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _


class NewsroomAdminSite(admin.AdminSite):
    site_header = _("HKAI newsroom")
    site_title = _("HKAI newsroom")
    index_title = _("Articles, sections and tags")

    def each_context(self, request):
        """Every admin page: the editors' review queue and how many articles wait in it
        (templates/admin/base_site.html shows it in the navigation)."""
        from articles.models import Article
        from articles.roles import PUBLISH_PERMISSION

        context = super().each_context(request)
        if request.user.is_active and request.user.is_staff and request.user.has_perm(PUBLISH_PERMISSION):
            context["review_queue_count"] = Article.objects.in_review().count()
        return context

    def get_urls(self):
        urls = [u for u in super().get_urls() if getattr(u, "name", None) != "view_on_site"]
        return [
            path(
                "r/<path:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            ),
            *urls,
        ]

    def view_on_site(self, request, content_type_id, object_id):
        """Django's shortcut redirect, for objects this user may view in this admin only."""
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ValueError, ContentType.DoesNotExist):
            raise Http404(_("No such content type."))
        model_admin = self._registry.get(model)
        if model_admin is None:
            raise Http404(_("Not managed in this admin."))
        obj = model_admin.get_object(request, unquote(object_id))
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404(_("No such object."))
        return shortcut(request, content_type_id, object_id)
