"""hkai_site/media.py: uploaded images are served with DEBUG off, and nothing else under /media/."""

import os
from urllib.parse import urlsplit

import pytest
from django.utils.http import http_date

from tests.page_checks import get
from tests.pictures import image_bytes, make_image

AVIF_HEADER = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\x00" * 64
WEBP = image_bytes("WEBP")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def put(root, name, content):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return f"/media/{name}"


@pytest.mark.django_db
class TestUploadedImages:
    def test_the_pictures_a_page_links_are_served_with_debug_off(
        self, client, make_article, media_root, settings
    ):
        assert not settings.DEBUG
        article = make_article(title="With a picture", hero=make_image("A harbour", size=(1280, 720)))
        _response, page = get(client, article.get_absolute_url())
        og_image = page.find("meta", property="og:image")[0]["content"]
        img = [a["src"] for a in page.find("img") if a.get("alt") == "A harbour"][0]
        for url in (urlsplit(og_image).path, img):  # the 1200-px rendition, and the hero's
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["Content-Type"] == "image/jpeg"
            assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
            assert response["Cache-Control"] == "public, max-age=31536000"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert "Content-Security-Policy" in response

    def test_an_editors_session_does_not_make_an_image_private(self, client, media_root, settings):
        """The page cache's private answers are for pages; an image is the same for everyone."""
        url = put(media_root, "pictures/tram.webp", WEBP)
        client.cookies[settings.SESSION_COOKIE_NAME] = "an-editor"
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=31536000"

    @pytest.mark.parametrize(
        "name, content, content_type",
        [
            ("a.jpg", image_bytes("JPEG"), "image/jpeg"),
            ("b.JPEG", image_bytes("JPEG"), "image/jpeg"),
            ("c.gif", image_bytes("GIF"), "image/gif"),
            ("d.webp", WEBP, "image/webp"),
            ("e.avif", AVIF_HEADER, "image/avif"),
            # Renditions another module writes through the default storage, in folders.
            ("renditions/2026/12/f-800w.webp", WEBP, "image/webp"),
        ],
    )
    def test_every_raster_type_is_served_with_the_type_its_bytes_say(
        self, client, media_root, name, content, content_type
    ):
        response = client.get(put(media_root, name, content))
        assert response.status_code == 200
        assert response["Content-Type"] == content_type

    @pytest.mark.parametrize(
        "name, content",
        [
            ("notes.txt", b"plain text"),
            ("page.html", b"<script>alert(1)</script>"),
            ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
            ("disguised.png", b"<html><script>alert(1)</script></html>"),
            ("noextension", image_bytes("PNG")),
            ("scan.bmp", image_bytes("BMP")),
            ("backup.tar", b"\x00" * 512),
        ],
    )
    def test_anything_but_an_image_is_a_404(self, client, media_root, name, content):
        assert client.get(put(media_root, name, content)).status_code == 404

    def test_no_directory_listing(self, client, media_root):
        put(media_root, "folder/a.png", image_bytes("PNG"))
        for url in ("/media/", "/media/folder/", "/media/folder"):
            assert client.get(url).status_code == 404, url

    @pytest.mark.parametrize(
        "url",
        [
            "/media/../outside.png",
            "/media/%2e%2e/outside.png",
            "/media/folder/../../outside.png",
            "/media/..%2foutside.png",
            "/media/..%5coutside.png",
            "/media//{outside}",
            "/media/link.png",
        ],
    )
    def test_paths_out_of_the_folder_are_refused(self, client, media_root, url):
        outside = media_root.parent / "outside.png"
        outside.write_bytes(image_bytes("PNG"))
        (media_root / "folder").mkdir()
        os.symlink(outside, media_root / "link.png")
        response = client.get(url.format(outside=str(outside).lstrip("/")))
        assert response.status_code in (400, 404), url

    def test_head_and_conditional_get(self, client, media_root):
        url = put(media_root, "a.png", image_bytes("PNG"))
        head = client.head(url)
        assert head.status_code == 200
        assert head["Content-Type"] == "image/png"
        since = http_date((media_root / "a.png").stat().st_mtime + 1)
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=since).status_code == 304
        assert client.post(url).status_code == 405
