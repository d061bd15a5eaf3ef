"""Uploaded images, served by the app servers themselves when MEDIA_URL is this site's own
path (the default, `/media/`): `make serve` and a deployment without a bucket. A deployment
that keeps media in a bucket (django-storages) sets MEDIA_URL to the bucket's address and
this view is not routed (hkai_site/urls.py).

Only raster images leave this folder: a file is served when its name ends with one of
IMAGE_EXTENSIONS and its first bytes are one of those formats, with the type read from the
bytes (never guessed from anything a client sent). Anything else, directories, and paths that
resolve outside MEDIA_ROOT (`..`, absolute paths, symbolic links) are a 404, like a file that
does not exist.
"""

import os
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif"}
# Uploads never change under one name (storage picks a new name rather than overwrite), so
# browsers and CDNs may keep them for a year.
CACHE_CONTROL = "public, max-age=31536000"


def sniff_image_type(header):
    """The MIME type of a raster image from its first bytes, or None."""
    if header.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if header.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if header[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if header[:4] == b"RIFF" and header[8:12] == b"WEBP":
        return "image/webp"
    # ISO-BMFF: a "ftyp" box whose brands name AVIF (image or sequence).
    if header[4:8] == b"ftyp" and (b"avif" in header[8:32] or b"avis" in header[8:32]):
        return "image/avif"
    return None


def media_file(path):
    """The file under MEDIA_ROOT that `path` names, or None if it names nothing servable."""
    if Path(path).suffix.lower() not in IMAGE_EXTENSIONS or "\\" in path or "\x00" in path:
        return None
    root = Path(settings.MEDIA_ROOT).resolve()
    try:
        candidate = (root / path).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    if not candidate.is_relative_to(root) or candidate == root or not candidate.is_file():
        return None
    return candidate


@require_safe
def serve_media(request, path):
    candidate = media_file(path)
    if candidate is None:
        raise Http404("No such image.")
    handle = candidate.open("rb")
    content_type = sniff_image_type(handle.read(32))
    if content_type is None:
        handle.close()
        raise Http404("No such image.")
    handle.seek(0)
    stat = os.fstat(handle.fileno())
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), stat.st_mtime):
        handle.close()
        response = HttpResponseNotModified()
    else:
        response = FileResponse(handle, content_type=content_type)
        response["Content-Length"] = str(stat.st_size)
    response["Last-Modified"] = http_date(stat.st_mtime)
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response
