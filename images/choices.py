"""The crops and formats a rendition comes in. Their own module so that renditions.py (which
makes them) and models.py (which stores them) both import it, and neither the other."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Crop(models.TextChoices):
    # 16:9 around the focal point: heroes, cards, OpenGraph.
    WIDE = "wide", _("16:9")
    # 5:2 around the focal point: an article's hero on a phone, where 16:9 would push the
    # text below the first screen.
    BANNER = "banner", _("5:2")
    # The whole picture: images in article bodies.
    ORIGINAL = "original", _("original")


class Format(models.TextChoices):
    WEBP = "webp", "WebP"
    JPEG = "jpeg", "JPEG"
