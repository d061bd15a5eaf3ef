"""Corrections and updates in the newsroom: editors append them to published articles;
nobody edits or deletes one."""

import pytest
from django.urls import reverse

from articles.models import Correction

from .helpers import logged_in


@pytest.mark.django_db
def test_an_editor_appends_a_correction_shown_on_the_articles_form(make_article, editor):
    article = make_article(title="Out now")
    client = logged_in(editor)
    response = client.post(
        reverse("admin:articles_correction_add"),
        {"article": article.pk, "kind": "correction", "note": "The lab opened in 2025, not 2024."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_article_change", args=[article.pk])
    correction = Correction.objects.get()
    assert correction.created_by == editor
    article_before = article.updated_at
    article.refresh_from_db()
    assert article.updated_at >= article_before
    page = client.get(response["Location"]).content.decode()
    assert "The lab opened in 2025, not 2024." in page and "Append a correction or update" in page


@pytest.mark.django_db
def test_a_correction_is_never_edited_or_deleted(make_article, editor):
    article = make_article()
    correction = Correction.objects.create(article=article, note="First note.")
    client = logged_in(editor)
    change = reverse("admin:articles_correction_change", args=[correction.pk])
    client.post(change, {"article": article.pk, "kind": "update", "note": "Rewritten."})
    delete = reverse("admin:articles_correction_delete", args=[correction.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    correction.refresh_from_db()
    assert correction.note == "First note." and correction.kind == "correction"
    correction.note = "Rewritten."
    with pytest.raises(ValueError):
        correction.save()


@pytest.mark.django_db
def test_writers_and_drafts_get_no_corrections(make_article, writer, editor, own_draft):
    add = reverse("admin:articles_correction_add")
    assert logged_in(writer).get(add).status_code == 403
    response = logged_in(editor).post(add, {"article": own_draft.pk, "kind": "update", "note": "x"})
    assert response.status_code == 200 and "article" in response.context["adminform"].form.errors
    assert not Correction.objects.exists()
