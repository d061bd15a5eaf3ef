"""The article form's hero picker: the admin's raw-id field (type an id, or pick from the
library's list in a popup, no script needed) with the chosen picture shown, and the
chooser's address for images/static/images/chooser.js (search and upload in a dialog)."""

from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.urls import reverse

from .models import Image


class HeroImageWidget(ForeignKeyRawIdWidget):
    template_name = "images/widgets/hero_image.html"

    class Media:
        js = ["images/chooser.js"]
        css = {"all": ["images/chooser.css"]}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["chooser_url"] = reverse("admin:images_image_chooser", current_app=self.admin_site.name)
        image = None
        if value:
            try:
                image = Image.objects.with_renditions().filter(pk=value).first()
            except (TypeError, ValueError):
                image = None
        context["image"] = image
        return context
