"""images/admin.py: the library in the admin and the article form's chooser."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from images.models import Image
from tests.pictures import image_bytes, make_image

pytestmark = pytest.mark.django_db


def chooser_url():
    return reverse("admin:images_image_chooser")


def test_the_chooser_lists_and_searches_the_library(client, writer):
    make_image("A tram on Des Voeux Road", size=(320, 180))
    make_image("Victoria Harbour", size=(320, 180), caption="from the Peak")
    client.force_login(writer)
    everything = client.get(chooser_url()).content.decode()
    assert "A tram on Des Voeux Road" in everything and "Victoria Harbour" in everything
    found = client.get(chooser_url(), {"q": "peak"}).content.decode()
    assert "Victoria Harbour" in found and "A tram" not in found
    harbour = Image.objects.get(alt_text="Victoria Harbour")
    assert f'data-markdown="![Victoria Harbour](image:{harbour.pk})"' in found


def test_a_writer_uploads_from_the_chooser_and_it_is_chosen(client, writer):
    client.force_login(writer)
    response = client.post(
        chooser_url(),
        {"alt_text": "Lion Rock", "file": SimpleUploadedFile("rock.png", image_bytes(size=(400, 300)))},
    )
    assert response.status_code == 201
    image = Image.objects.get(alt_text="Lion Rock")
    assert image.uploaded_by == writer and image.renditions.exists()
    assert f'data-chosen-markdown="![Lion Rock](image:{image.pk})"' in response.content.decode()


def test_a_bad_upload_comes_back_with_the_form_error(client, writer):
    client.force_login(writer)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = client.post(chooser_url(), {"alt_text": "Logo", "file": SimpleUploadedFile("logo.svg", svg)})
    assert response.status_code == 400
    assert "SVG images are not accepted" in response.content.decode()
    assert not Image.objects.exists()


def test_readers_cannot_use_the_chooser(client, make_user):
    assert client.get(chooser_url()).status_code == 302  # to the admin's login
    client.force_login(make_user("reader"))
    assert client.get(chooser_url()).status_code == 302


def test_the_article_form_offers_the_hero_picker_and_chooser_script(client, editor):
    image = make_image("The hero", size=(320, 180))
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_add")).content.decode()
    assert f'data-image-chooser-url="{chooser_url()}"' in page
    assert "images/chooser.js" in page and 'name="hero"' in page
    assert image.alt_text not in page  # nothing chosen yet


def test_editors_may_delete_images_writers_may_not(writer, editor):
    assert writer.has_perm("images.add_image") and writer.has_perm("images.change_image")
    assert not writer.has_perm("images.delete_image")
    assert editor.has_perm("images.delete_image")


def test_an_image_used_as_a_hero_cannot_be_deleted(client, editor, make_article):
    image = make_image("In use", size=(320, 180))
    make_article(hero=image)
    client.force_login(editor)
    response = client.post(reverse("admin:images_image_delete", args=[image.pk]), {"post": "yes"})
    assert response.status_code == 200 and Image.objects.filter(pk=image.pk).exists()


def test_the_library_pages_show_the_pictures(client, editor):
    image = make_image("Shown", size=(320, 180))
    client.force_login(editor)
    listing = client.get(reverse("admin:images_image_changelist")).content.decode()
    assert "<picture>" in listing and "Shown" in listing
    change = client.get(reverse("admin:images_image_change", args=[image.pk]))
    assert change.status_code == 200 and "320 × 180" in change.content.decode()
    assert 'name="file"' not in change.content.decode()  # a stored picture's file is fixed
