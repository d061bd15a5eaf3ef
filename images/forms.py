"""The upload form of the library (admin and chooser alike): the file goes through the
validators of images/validators.py, and what is not a raster image is refused in words an
editor understands (SVG by name: it can carry script)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Image


def _looks_like_svg(file):
    name = (getattr(file, "name", "") or "").lower()
    if name.endswith((".svg", ".svgz")):
        return True
    try:
        file.seek(0)
        head = file.read(512).lstrip().lower()
        file.seek(0)
    except (AttributeError, OSError):
        return False
    return head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head)


class RasterImageField(forms.ImageField):
    default_error_messages = {
        "svg": _(
            "SVG images are not accepted (they can carry script): upload a JPEG, PNG, GIF or WebP image."
        ),
    }

    def to_python(self, data):
        try:
            return super().to_python(data)
        except ValidationError:
            if data is not None and _looks_like_svg(data):
                raise ValidationError(self.error_messages["svg"], code="svg")
            raise


class ImageForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit", "focal_x", "focal_y"]
        field_classes = {"file": RasterImageField}


class ChooserUploadForm(ImageForm):
    """The chooser's upload: the focal point stays in the middle until edited in the library."""

    class Meta(ImageForm.Meta):
        fields = ["file", "alt_text", "caption", "credit"]
