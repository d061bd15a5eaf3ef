from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImagesConfig(AppConfig):
    name = "images"
    verbose_name = _("Image library")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Pictures are on readers' pages: a changed alt text, caption or crop is a new
        # content generation for the page cache (pagecache/).
        from pagecache.signals import watch

        from .models import Image, Rendition

        watch(models=(Image, Rendition))
