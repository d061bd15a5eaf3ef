"""images/renditions.py: renditions made once, at the widths and in the formats set, cropped
around the focal point, reused by every page view."""

import pytest
from PIL import Image as PILImage

from images import renditions
from images.models import Image, Rendition
from tests.pictures import make_image

pytestmark = pytest.mark.django_db


def test_every_width_up_to_the_picture_in_webp_and_jpeg(settings):
    settings.IMAGE_RENDITION_WIDTHS = (320, 640, 1200)
    image = make_image(size=(1000, 750))
    made = {(r.crop, r.format, r.width, r.height) for r in image.renditions.all()}
    # Never wider than the picture; its own width instead of the widths it cannot reach.
    assert made == {
        (crop, fmt, width, height)
        for fmt in ("webp", "jpeg")
        for crop, sizes in (
            ("wide", [(320, 180), (640, 360), (1000, 562)]),
            ("banner", [(320, 128), (640, 256), (1000, 400)]),
            ("original", [(320, 240), (640, 480), (1000, 750)]),
        )
        for width, height in sizes
    }
    for rendition in image.renditions.all():
        with rendition.file.open("rb") as file, PILImage.open(file) as picture:
            assert picture.size == (rendition.width, rendition.height)
            assert picture.format == {"webp": "WEBP", "jpeg": "JPEG"}[rendition.format]


def test_made_once_not_again_when_the_text_changes():
    image = make_image(size=(640, 360))
    before = list(image.renditions.values_list("pk", "file"))
    image.caption = "A new caption"
    image.save()
    assert list(image.renditions.values_list("pk", "file")) == before


def test_a_moved_focal_point_makes_new_crops_under_new_names():
    image = make_image(size=(1600, 600))
    old_wide = set(image.renditions.filter(crop="wide").values_list("file", flat=True))
    old_original = set(image.renditions.filter(crop="original").values_list("file", flat=True))
    image.focal_x = 10
    image.save()
    new_wide = set(image.renditions.filter(crop="wide").values_list("file", flat=True))
    assert new_wide and not (new_wide & old_wide)
    assert set(image.renditions.filter(crop="original").values_list("file", flat=True)) == old_original


@pytest.mark.parametrize(
    "size, focal, box",
    [
        ((1600, 600), (0.5, 0.5), (266, 0, 1333, 600)),  # too wide: cut both sides
        ((1600, 600), (0.0, 0.5), (0, 0, 1067, 600)),  # focal point at the left edge
        ((1600, 600), (0.95, 0.5), (533, 0, 1600, 600)),  # near the right: as far as the edge allows
        ((900, 1200), (0.5, 0.1), (0, 0, 900, 506)),  # too tall: keep the top
        ((900, 1200), (0.5, 0.8), (0, 694, 900, 1200)),  # near the bottom: up to the edge
        ((900, 1200), (0.5, 0.5), (0, 347, 900, 853)),
    ],
)
def test_crop_box_keeps_the_focal_point_in_view(size, focal, box):
    assert renditions.crop_box(size, (16, 9), focal) == box


def test_the_crop_shows_what_is_at_the_focal_point():
    """tests.pictures draws a bright mark at 1/8-1/4 of the width: a crop around it keeps it,
    one around the far side does not."""
    image = make_image(size=(1600, 400), focal_x=15, focal_y=50)

    def mark_in(img):
        rendition = img.renditions.get(crop="wide", format="jpeg", width=320)
        with rendition.file.open("rb") as file, PILImage.open(file) as picture:
            return any(
                r > 200 and g > 150 and b < 100 for r, g, b in picture.convert("RGB").get_flattened_data()
            )

    assert mark_in(image)
    image.focal_x = 90
    image.save()
    assert not mark_in(Image.objects.get(pk=image.pk))


def test_renditions_missing_are_made_on_first_use_then_reused():
    """An image from before renditions (migration 0010's) gets them on its first view."""
    image = make_image(size=(640, 360))
    Rendition.objects.filter(image=image).delete()
    image = Image.objects.with_renditions().get(pk=image.pk)
    first = renditions.renditions_of(image, "wide")
    assert first and Rendition.objects.filter(image=image, crop="wide").count() == len(first)
    again = Image.objects.with_renditions().get(pk=image.pk)
    assert [r.file.name for r in renditions.renditions_of(again, "wide")] == [r.file.name for r in first]


def test_an_unreadable_file_shows_no_picture_rather_than_an_error():
    image = make_image(size=(640, 360))
    Rendition.objects.filter(image=image).delete()
    image.file.storage.delete(image.file.name)
    assert renditions.renditions_of(Image.objects.get(pk=image.pk), "wide") == []


def test_exif_orientation_is_respected(tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    exif = PILImage.Exif()
    exif[0x0112] = 6  # rotate 90°: stored 400×300, shown 300×400
    PILImage.new("RGB", (400, 300)).save(buffer, format="JPEG", exif=exif)
    image = Image.objects.create(file=SimpleUploadedFile("phone.jpg", buffer.getvalue()), alt_text="Phone")
    assert (image.width, image.height) == (300, 400)
    assert image.renditions.get(crop="original", format="jpeg", width=300).height == 400


def image_files(image):
    return [image.file.name, *image.renditions.values_list("file", flat=True)]


def test_deleting_an_image_deletes_its_files_once_committed(django_capture_on_commit_callbacks):
    image = make_image(size=(640, 360))
    names, storage = image_files(image), image.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
        assert all(storage.exists(name) for name in names)  # until the deletion commits
    assert not any(storage.exists(name) for name in names)


def test_deleting_images_in_bulk_deletes_their_files(django_capture_on_commit_callbacks):
    images = [make_image(size=(320, 180)) for _ in range(2)]
    names = [name for image in images for name in image_files(image)]
    storage = images[0].file.storage
    with django_capture_on_commit_callbacks(execute=True):
        Image.objects.filter(pk__in=[image.pk for image in images]).delete()
    assert not any(storage.exists(name) for name in names)


def test_an_image_in_use_keeps_its_files_when_deletion_is_refused(
    django_capture_on_commit_callbacks, make_article
):
    from django.db.models import ProtectedError

    image = make_image(size=(320, 180))
    make_article(hero=image)
    names, storage = image_files(image), image.file.storage
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ProtectedError):
        image.delete()
    assert all(storage.exists(name) for name in names)


def test_generate_renditions_makes_only_what_is_missing():
    import io

    from django.core.management import call_command

    complete = make_image(size=(320, 180))
    bare = make_image(size=(320, 180))
    Rendition.objects.filter(image=bare).delete()
    kept = set(complete.renditions.values_list("pk", flat=True))
    output = io.StringIO()
    call_command("generate_renditions", stdout=output)
    assert "1 image(s)" in output.getvalue()
    assert set(complete.renditions.values_list("pk", flat=True)) == kept
    assert {r.crop for r in bare.renditions.all()} == {"wide", "banner", "original"}
