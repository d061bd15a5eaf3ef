"""images/html.py: the <picture> markup, and a phone's own crop of it (art direction)."""

import re

import pytest
from django.conf import settings

from images.html import PHONE_MEDIA, picture_html
from images.models import Image
from tests.pictures import make_image

pytestmark = pytest.mark.django_db

STATIC_CSS = settings.BASE_DIR / "static" / "css" / "site.css"


def sources(markup):
    return re.findall(r"<source [^>]*>", markup)


def test_without_a_phone_crop_one_webp_source_and_the_jpeg_img():
    image = Image.objects.with_renditions().get(pk=make_image(size=(1000, 750)).pk)
    markup = picture_html(image)
    assert len(sources(markup)) == 1 and "media=" not in markup
    assert 'width="1000" height="562"' in markup  # the 16:9 crop's shape


def test_a_phone_gets_the_banner_crop_first_with_its_own_shape(django_assert_num_queries):
    image = Image.objects.with_renditions().get(pk=make_image(size=(1000, 750)).pk)
    with django_assert_num_queries(0):  # the prefetched renditions serve both crops
        markup = picture_html(image, phone_crop="banner", sizes="40rem")
    phone_webp, phone_jpeg, desktop_webp = sources(markup)
    for source in (phone_webp, phone_jpeg):
        assert f'media="{PHONE_MEDIA}"' in source
        assert 'width="1000" height="400"' in source  # 5:2, so the phone reserves its height
        assert 'sizes="100vw"' in source
        assert "-banner-" in source and "-wide-" not in source
    assert 'type="image/webp"' in phone_webp and ".webp " in phone_webp
    assert "type=" not in phone_jpeg and ".jpg " in phone_jpeg
    assert "media=" not in desktop_webp and "-wide-" in desktop_webp
    # The <img> (the desktop's, and the fallback) stays 16:9.
    assert 'width="1000" height="562"' in markup.split("<img")[1]


def test_the_phone_media_query_is_the_stylesheets_phone_width():
    """The hero's 5:2 box (site.css) and the 5:2 file must switch at the same width."""
    css = STATIC_CSS.read_text(encoding="utf-8")
    phone_rules = css.split(f"@media {PHONE_MEDIA}")
    assert any(
        ".story-hero img { aspect-ratio: 5 / 2; }" in rules.split("}\n}")[0] for rules in phone_rules[1:]
    )
