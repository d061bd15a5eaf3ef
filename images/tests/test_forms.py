"""images/forms.py: what is not a real raster image, or too big, is refused with a form error."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from images.forms import ChooserUploadForm, ImageForm
from images.models import Image
from tests.pictures import image_bytes

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="9" height="9"/></svg>'


def form_with(name, content, form_class=ChooserUploadForm):
    return form_class({"alt_text": "Alt"}, {"file": SimpleUploadedFile(name, content)})


def png_bomb():
    """A small file that would decode to 48 million pixels (1-bit, so it compresses to little)."""
    buffer = io.BytesIO()
    PILImage.new("1", (8000, 6000)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, content, message",
    [
        ("drawing.svg", SVG, "SVG images are not accepted"),
        ("drawing.png", SVG, "SVG images are not accepted"),
        ("notes.png", b"Just some text, renamed.\n" * 20, "Upload a valid image"),
        ("bomb.png", png_bomb(), "million pixels"),
        ("scan.bmp", image_bytes("BMP"), "Use a JPEG, PNG, GIF or WebP image"),
    ],
)
def test_refused_with_a_form_error(name, content, message):
    form = form_with(name, content)
    assert not form.is_valid()
    assert message in " ".join(form.errors["file"])
    assert not Image.objects.exists()


@pytest.mark.django_db
def test_an_oversized_file_is_refused(settings):
    settings.MAX_IMAGE_MB = 1
    content = image_bytes() + b"\0" * (1024 * 1024)
    form = form_with("big.png", content)
    assert not form.is_valid()
    assert "the largest allowed is 1.0" in " ".join(form.errors["file"])


@pytest.mark.django_db
def test_alt_text_is_required():
    form = ChooserUploadForm({"alt_text": ""}, {"file": SimpleUploadedFile("a.png", image_bytes())})
    assert not form.is_valid()
    assert list(form.errors) == ["alt_text"]


@pytest.mark.django_db
def test_a_real_picture_is_stored_with_its_size_and_renditions():
    form = ImageForm(
        {"alt_text": "A tram", "caption": "", "credit": "", "focal_x": 50, "focal_y": 50},
        {"file": SimpleUploadedFile("tram.jpg", image_bytes("JPEG", (900, 600)))},
    )
    assert form.is_valid(), form.errors
    image = form.save()
    assert (image.width, image.height) == (900, 600)
    assert image.renditions.exists()
