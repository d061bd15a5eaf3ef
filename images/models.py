"""The image library: pictures uploaded once, with their alt text, caption, credit and focal
point, chosen as an article's hero or placed in its body; and their renditions, the sizes and
formats readers download (renditions.py makes them).

Files go through Django's default storage (STORAGES["default"]): a folder under MEDIA_ROOT,
or a bucket with django-storages (README: "Images"). URLs come from storage.url().
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from . import renditions
from .choices import Crop, Format
from .querysets import ImageQuerySet
from .validators import validate_image_file_size, validate_web_image


def focal_point_field(verbose_name, help_text):
    return models.PositiveSmallIntegerField(
        verbose_name,
        default=50,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=help_text,
    )


class Image(models.Model):
    file = models.ImageField(
        _("image file"),
        upload_to="images/%Y/%m/",
        validators=[validate_image_file_size, validate_web_image],
        help_text=_("JPEG, PNG, GIF or WebP. To change the picture, upload a new image."),
    )
    alt_text = models.CharField(
        _("alt text"),
        max_length=250,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(
        _("credit"), max_length=200, blank=True, help_text=_("Who made the picture, and its licence.")
    )
    # The point that crops keep in view, in percent of the width and height from the top left.
    focal_x = focal_point_field(
        _("focal point, across (%)"), _("0 is the left edge, 100 the right; crops keep this point in view.")
    )
    focal_y = focal_point_field(
        _("focal point, down (%)"), _("0 is the top edge, 100 the bottom; crops keep this point in view.")
    )
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self):
        return self.alt_text

    def save(self, *args, **kwargs):
        stored = None
        if not self._state.adding:
            stored = Image.objects.filter(pk=self.pk).values_list("file", "focal_x", "focal_y").first()
        new_file = bool(self.file) and (
            not getattr(self.file, "_committed", True) or stored is None or stored[0] != self.file.name
        )
        if new_file:
            if getattr(self.file, "_committed", True):
                self.width, self.height = renditions.stored_dimensions(self.file.name)
            else:
                self.width, self.height = renditions.dimensions(self.file)
        focal_point_moved = stored is not None and stored[1:] != (self.focal_x, self.focal_y)
        super().save(*args, **kwargs)
        # Made now, once, and stored: pages only read them (renditions.py). A moved focal
        # point changes the crops only; the whole picture's renditions stay.
        if new_file:
            renditions.regenerate(self)
        elif focal_point_moved:
            renditions.regenerate(self, renditions.FOCAL_CROPS)

    @property
    def markdown(self):
        """How an article body places this image (articles/rendering.py renders it)."""
        alt = self.alt_text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
        return f"![{alt}](image:{self.pk})"

    @property
    def focal_point(self):
        return self.focal_x / 100, self.focal_y / 100


class Rendition(models.Model):
    # The choices live in choices.py (renditions.py needs them without this module).
    Crop = Crop
    Format = Format

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    crop = models.CharField(max_length=10, choices=Crop.choices)
    format = models.CharField(max_length=4, choices=Format.choices)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    file = models.FileField(max_length=255)

    class Meta:
        ordering = ["image", "crop", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "crop", "format", "width"], name="one_rendition_per_size"
            ),
        ]

    def __str__(self):
        return self.file.name

    @property
    def url(self):
        return self.file.url


@receiver(post_delete, sender=Image)
@receiver(post_delete, sender=Rendition)
def delete_file_once_committed(sender, instance, **kwargs):
    """A deleted image's or rendition's file goes once the deletion is committed: never when
    a PROTECT check refuses the deletion (it runs before any row or signal) or the transaction
    rolls back, and for queryset deletions too (the admin's bulk action)."""
    if instance.file:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))
