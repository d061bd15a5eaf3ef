"""Comparing two revisions of an article (newsroom/revisions.py, ArticleAdmin.compare_view):
the word diff, the other changes, who may see it, bad ids, query counts, restoring a side."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author, Section, Topic
from newsroom.revisions import word_diff
from tests.admin_forms import admin_url, form_data

from .helpers import edit, logged_in, versions

# The session, user and permissions (4), the article and its authors (2), the two versions
# and their tag links (2), the review queue's count in the top bar, and one query for each
# kind of name (section, topics, organisations, authors): whatever the tags and revisions.
COMPARE_QUERIES = 13


def compare_url(article, older, newer):
    return f"{reverse('admin:articles_article_compare', args=[article.pk])}?older={older.pk}&newer={newer.pk}"


class TestWordDiff:
    def test_marks_words_inserted_and_deleted(self):
        assert word_diff("The lab opened in 2024.", "The lab opened in 2025.") == (
            "The lab opened in <del>2024</del><ins>2025</ins>."
        )

    def test_escapes_everything_and_adds_only_ins_and_del(self):
        diff = word_diff('Safe <b>text</b> & "quotes"', 'Safe <script>alert(1)</script> & "quotes"')
        assert "<script>" not in diff and "<b>" not in diff
        assert "&lt;<del>b</del><ins>script</ins>&gt;" in diff and "&amp; &quot;quotes&quot;" in diff
        assert set(re.findall(r"</?([a-z]+)", diff)) <= {"ins", "del"}

    def test_each_chinese_character_is_a_word(self):
        assert word_diff("香港人工智能", "香港機器智能") == "香港<del>人工</del><ins>機器</ins>智能"

    def test_only_the_paragraphs_that_changed_are_marked(self):
        before = "\n\n".join(f"Paragraph {n} says the same." for n in range(200))
        after = before.replace("Paragraph 150 says the same.", "Paragraph 150 says more.")
        diff = word_diff(before, after)
        assert diff.count("<del>") == diff.count("<ins>") == 1
        assert "Paragraph 150 says <del>the same</del><ins>more</ins>." in diff
        assert diff.replace("<del>the same</del><ins>more</ins>", "more") == after

    def test_a_long_run_rewritten_whole_is_deleted_and_inserted_whole(self):
        before, after = " ".join(["old"] * 5000), " ".join(["new"] * 5000)
        assert word_diff(before, after) == f"<del>{before}</del><ins>{after}</ins>"

    def test_equal_texts_have_no_marks(self):
        assert word_diff("Same\n\ntext.", "Same\n\ntext.") == "Same\n\ntext."


@pytest.fixture
def edited(story, editor):
    """The writer's story (first revision) edited by an editor: new title, body, topics,
    author and section, then published."""
    client = logged_in(editor)
    research = Section.objects.create(name="Research", slug="research")
    other = Author.objects.create(name="Second Author", slug="second")
    edit(
        client,
        story,
        title="Second title",
        body="First body, rewritten <b>boldly</b>.",
        topics=[],
        new_topics="robotics",
        authors=[str(other.pk)],
        section=str(research.pk),
    )
    edit(client, story, status="published")
    return story


@pytest.mark.django_db
class TestCompare:
    def test_the_diff_of_a_real_edit(self, edited, editor):
        first, second, third = versions(edited)
        page = logged_in(editor).get(compare_url(edited, first, second))
        assert page.status_code == 200
        html = page.content.decode()
        assert "<del>First</del><ins>Second</ins> title" in html
        assert "First body<ins>, rewritten &lt;b&gt;boldly&lt;/b&gt;</ins>." in html
        changes = {label: (old, new) for label, old, new in page.context["changes"]}
        assert changes["Topics"] == ("fintech", "robotics")
        assert changes["Authors"][1] == "Second Author"
        assert changes["Section"][1] == "Research"
        assert "Status" not in changes  # still a draft
        # Either side is restorable by an editor, through the history's restore.
        assert admin_url("revision", edited.pk, first.pk) in html
        assert admin_url("revision", edited.pk, second.pk) in html

    def test_status_and_times(self, edited, editor):
        _first, second, third = versions(edited)
        # Given newest first, it is still shown older first.
        page = logged_in(editor).get(compare_url(edited, third, second))
        changes = {label: (old, new) for label, old, new in page.context["changes"]}
        assert changes["Status"] == ("Draft", "Published")
        assert changes["Publication time"][0] == "—" and changes["Publication time"][1].endswith(
            " HKT</time>"
        )
        assert [label for label, _diff, changed in page.context["texts"] if changed] == []

    def test_the_history_offers_any_two_and_each_against_the_one_before(self, edited, editor):
        first, second, third = versions(edited)
        html = logged_in(editor).get(admin_url("history", edited.pk)).content.decode()
        assert f'action="{reverse("admin:articles_article_compare", args=[edited.pk])}"' in html
        for version in (first, second, third):
            assert (
                f'name="older" value="{version.pk}"' in html and f'name="newer" value="{version.pk}"' in html
            )
        assert f"?older={second.pk}&amp;newer={third.pk}" in html
        assert f"?older={first.pk}&amp;newer={second.pk}" in html

    def test_queries_do_not_grow_with_tags_or_revisions(self, story, editor, django_assert_max_num_queries):
        client = logged_in(editor)
        edit(client, story, title="Second")
        first, second = versions(story)
        url = compare_url(story, first, second)
        client.get(url)
        with django_assert_max_num_queries(COMPARE_QUERIES):
            assert client.get(url).status_code == 200
        many = [Topic.objects.create(name=f"topic {n}") for n in range(10)]
        authors = [Author.objects.create(name=f"Author {n}", slug=f"author-{n}") for n in range(5)]
        edit(
            client,
            story,
            title="Third",
            topics=[str(t.pk) for t in many],
            authors=[str(a.pk) for a in authors],
        )
        edit(client, story, title="Fourth")
        *_, third, _fourth = versions(story)
        with django_assert_max_num_queries(COMPARE_QUERIES):
            page = client.get(compare_url(story, second, third))
        topics = {label: new for label, _old, new in page.context["changes"]}["Topics"]
        assert len(topics.split(", ")) == 10


@pytest.mark.django_db
class TestWhoMayCompare:
    def test_the_writer_compares_their_own_but_restores_only_what_they_may_change(
        self, story, writer, editor
    ):
        edit(logged_in(editor), story, title="Published title", status="published")
        first, second = versions(story)
        page = logged_in(writer).get(compare_url(story, first, second))
        assert page.status_code == 200
        # Published: theirs to read, the editors' to change.
        assert admin_url("revision", story.pk, first.pk) not in page.content.decode()

    def test_another_writer_and_readers_see_nothing(self, story, editor, other_writer, client):
        edit(logged_in(editor), story, title="Second")
        first, second = versions(story)
        url = compare_url(story, first, second)
        assert logged_in(other_writer).get(url).status_code == 404
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]

    @pytest.mark.parametrize(
        "query",
        [
            "",
            "?older=1",
            "?older=x&newer=1",
            "?older=-1&newer=1",
            f"?older={'9' * 30}&newer=1",
            "?older=0&newer=1",
        ],
    )
    def test_bad_ids_are_400(self, story, editor, query):
        url = reverse("admin:articles_article_compare", args=[story.pk]) + query
        assert logged_in(editor).get(url).status_code == 400

    def test_versions_of_another_article_or_none_are_404(self, story, editor, make_article):
        client = logged_in(editor)
        other = make_article(title="Other")
        edit(client, other, title="Other edited")
        (first,) = versions(story)
        (foreign,) = versions(other)[:1]
        assert client.get(compare_url(story, first, foreign)).status_code == 404
        base = reverse("admin:articles_article_compare", args=[story.pk])
        assert client.get(f"{base}?older={first.pk}&newer=2147483647").status_code == 404
        bad_article = reverse("admin:articles_article_compare", args=["nope"])
        assert client.get(f"{bad_article}?older={first.pk}&newer={first.pk}").status_code == 404


@pytest.mark.django_db
def test_a_writer_cannot_restore_a_published_version_of_their_reopened_article(story, writer, editor):
    """Published by an editor, then back to draft: the writer may restore their own draft
    versions, but not the published one, which only an editor may publish: the compare
    page offers no restore for it, and the history's restore refuses it."""
    client = logged_in(editor)
    edit(client, story, status="published")
    edit(client, story, status="draft")
    first, published, _reopened = versions(story)
    assert published.field_dict["status"] == Article.Status.PUBLISHED
    writer_client = logged_in(writer)
    page = writer_client.get(compare_url(story, first, published))
    assert [side["restore_url"] for side in page.context["sides"]] == [
        admin_url("revision", story.pk, first.pk),
        None,
    ]
    revision = admin_url("revision", story.pk, published.pk)
    response = writer_client.post(revision, form_data(writer_client.get(revision), status="published"))
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT and story.title == "First title"


@pytest.mark.django_db
def test_an_editor_restores_the_newer_side_from_the_compare_page(edited, editor):
    first, second, _third = versions(edited)
    client = logged_in(editor)
    page = client.get(compare_url(edited, first, second))
    restore = page.context["sides"][0]["restore_url"]
    response = client.post(restore, form_data(client.get(restore)))
    assert response.status_code == 302
    edited.refresh_from_db()
    assert edited.title == "First title"
    assert [t.name for t in edited.topics.all()] == ["fintech"]
    assert timezone.now() - edited.updated_at < timedelta(minutes=5)
