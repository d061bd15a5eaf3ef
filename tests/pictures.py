"""Pictures for tests: image files made with Pillow, and library images (images.Image) made
from them with their renditions."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from PIL import ImageDraw


def image_bytes(format="PNG", size=(64, 36), mode="RGB", colour=(22, 40, 60)):
    buffer = io.BytesIO()
    picture = PILImage.new(mode, size, colour if mode == "RGB" else 0)
    if mode == "RGB":
        draw = ImageDraw.Draw(picture)
        # A bright mark in the top-left quarter: crops can be checked for keeping it.
        draw.rectangle([size[0] // 8, size[1] // 8, size[0] // 4, size[1] // 4], fill=(250, 200, 0))
    picture.save(buffer, format=format)
    return buffer.getvalue()


def image_upload(name="picture.png", **kwargs):
    return SimpleUploadedFile(name, image_bytes(**kwargs), content_type="image/png")


def make_image(alt_text="A picture", size=(640, 360), name="picture.png", **fields):
    from images.models import Image

    return Image.objects.create(file=image_upload(name, size=size), alt_text=alt_text, **fields)
