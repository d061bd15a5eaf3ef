"""The image library in the admin, and the chooser the article form opens (chooser.js):
a dialog listing the library with a search and an upload form, served as an HTML fragment
so that its words are translated and escaped by the templates, not by script."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .forms import ChooserUploadForm, ImageForm
from .html import picture_html
from .models import Image

CHOOSER_PAGE_SIZE = 24


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ("thumbnail", "alt_text", "caption", "credit", "size", "uploaded_at")
    list_display_links = ("thumbnail", "alt_text")
    search_fields = ("alt_text", "caption", "credit")
    date_hierarchy = "uploaded_at"
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).with_renditions()

    def get_fields(self, request, obj=None):
        fields = ["file", "alt_text", "caption", "credit", "focal_x", "focal_y"]
        if obj is not None:
            # A stored picture's file never changes (body images keep their renditions' URLs):
            # a new picture is a new image.
            return ["preview", "size", *fields[1:], "uploaded_by", "uploaded_at"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return ["preview", "size", "uploaded_by", "uploaded_at"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("picture"))
    def thumbnail(self, obj):
        return picture_html(obj, sizes="8rem") or "—"

    @admin.display(description=_("picture"))
    def preview(self, obj):
        return format_html(
            '<div class="image-preview">{}<p>{}</p></div>',
            picture_html(obj, crop="original", sizes="24rem"),
            _("The 16:9 crop of heroes and cards keeps the focal point in view:"),
        ) + picture_html(obj, sizes="24rem")

    @admin.display(description=_("size"))
    def size(self, obj):
        return f"{obj.width} × {obj.height}"

    # --- the chooser ------------------------------------------------------------------------

    def get_urls(self):
        return [
            path("chooser/", self.admin_site.admin_view(self.chooser_view), name="images_image_chooser"),
            *super().get_urls(),
        ]

    def chooser_view(self, request):
        """GET: the library's newest images matching ?q=. POST: upload one (add permission);
        201 with the new image chosen, or 400 with the form's errors."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        may_upload = self.has_add_permission(request)
        status, chosen, form = 200, None, ChooserUploadForm() if may_upload else None
        if request.method == "POST":
            if not may_upload:
                raise PermissionDenied
            form = ChooserUploadForm(request.POST, request.FILES)
            if form.is_valid():
                chosen = form.save(commit=False)
                chosen.uploaded_by = request.user
                chosen.save()
                self.log_addition(request, chosen, [{"added": {}}])
                status, form = 201, ChooserUploadForm()
            else:
                status = 400
        query = request.GET.get("q", "")[:200]
        images = Image.objects.search(query).with_renditions()[:CHOOSER_PAGE_SIZE]
        context = {
            **self.admin_site.each_context(request),
            "images": images,
            "query": query,
            "form": form,
            "chosen": chosen,
            "chooser_url": reverse("admin:images_image_chooser", current_app=self.admin_site.name),
        }
        return TemplateResponse(request, "images/chooser.html", context, status=status)
