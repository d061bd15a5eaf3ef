"""{% picture image sizes="..." %}: the site's responsive picture (images/html.py), lazy
unless eager=True (above the fold: the front page's lead, an article's hero, a list's first)."""

from django import template

from images.choices import Crop
from images.html import picture_html, rendition_of_width

register = template.Library()


@register.simple_tag
def picture(image, sizes="100vw", eager=False, crop=Crop.WIDE, alt=None, img_class="", phone_crop=None):
    if not image:
        return ""
    return picture_html(
        image, crop=crop, sizes=sizes, lazy=not eager, alt=alt, img_class=img_class, phone_crop=phone_crop
    )


@register.simple_tag
def social_image(image, width=1200):
    """The rendition that OpenGraph and JSON-LD name: JPEG, 16:9, about 1200 px wide."""
    return rendition_of_width(image, width) if image else None
