"""Chinese read as Chinese: both scripts folded to one (core.text.fold_chinese), text cut into
words with the site's dictionary (words.py), the words index kept in step with the articles
(index.py), on SQLite (FTS5) and PostgreSQL (search_words)."""

import pytest
from django.core.management import call_command
from django.db import connection

from articles.models import Article, Organisation, Topic
from search.index import FTS_TABLE
from search.words import segmenter

from .helpers import search, titles


def indexed_words(article):
    """The words the index holds for `article`, whatever the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT words::text FROM {FTS_TABLE} WHERE article_id = %s", [article.pk])
        else:
            cursor.execute(
                f"SELECT title || ' ' || standfirst || ' ' || body FROM {FTS_TABLE} WHERE rowid = %s",
                [article.pk],
            )
        row = cursor.fetchone()
    return (row[0] or "") if row else ""


@pytest.fixture
def fresh_dictionary(db):
    segmenter.reset()
    yield
    segmenter.reset()


class TestWords:
    @pytest.mark.parametrize(
        "text, words",
        [
            ("數碼港", ["数码港"]),
            ("数码港", ["数码港"]),
            ("香港科學園", ["香港科学园"]),
            ("金管局", ["金管局"]),
            ("數碼港與香港科學園合作", ["数码港", "与", "香港科学园", "合作"]),
            ("香港AI的發展", ["香港", "的", "发展"]),
        ],
    )
    def test_the_site_dictionary_keeps_names_whole(self, fresh_dictionary, text, words):
        assert segmenter.query_words(text) == words

    def test_tag_names_in_the_database_are_words(self, fresh_dictionary):
        Organisation.objects.create(name="Octopus Cards", name_zh_hant="八達通卡公司")
        assert segmenter.query_words("八達通卡公司") == ["八达通卡公司"]

    def test_a_tag_saved_later_is_a_word_at_once(self, fresh_dictionary):
        segmenter.query_words("香港")  # loads the dictionary
        assert segmenter.query_words("蜂巢計劃局") != ["蜂巢计划局"]
        Topic.objects.create(name="Beehive", name_zh_hant="蜂巢計劃局")
        assert segmenter.query_words("蜂巢計劃局") == ["蜂巢计划局"]

    def test_index_holds_the_long_word_its_parts_and_its_characters(self, fresh_dictionary):
        words = segmenter.index_words("香港科學園")
        assert {"香港科学园", "香港", "科学", "香", "港", "园"} <= set(words)


@pytest.mark.django_db
class TestScripts:
    def test_simplified_query_finds_traditional_text(self, client, make_article):
        make_article(title="數碼港新一代人工智能中心", body="政府宣布資助。")
        make_article(title="Unrelated")
        assert titles(search(client, q="数码港")) == ["數碼港新一代人工智能中心"]
        assert titles(search(client, q="资助")) == ["數碼港新一代人工智能中心"]

    def test_traditional_query_finds_simplified_text(self, client, make_article):
        make_article(title="数码港新一代人工智能中心")
        assert titles(search(client, q="數碼港")) == ["数码港新一代人工智能中心"]

    def test_one_character_words_match(self, client, make_article):
        make_article(title="港口的新機械人")
        make_article(title="沒有")
        assert titles(search(client, q="港")) == ["港口的新機械人"]
        assert titles(search(client, q="机")) == ["港口的新機械人"]

    def test_topic_resolves_in_either_script(self, client, make_article):
        make_article(title="Cyberport story", topics=["數碼港"])
        make_article(title="Other story", topics=["fintech"])
        for value in ("數碼港", "数码港"):
            assert titles(search(client, topic=value)) == ["Cyberport story"], value

    def test_chinese_name_of_an_english_topic_resolves_in_either_script(self, client, make_article):
        make_article(title="Fintech story", topics=["fintech"])
        Topic.objects.filter(name="fintech").update(name_zh_hant="金融科技發展")
        for value in ("金融科技發展", "金融科技发展"):
            assert titles(search(client, topic=value)) == ["Fintech story"], value

    def test_a_draft_only_tag_stays_unknown_in_the_other_script(self, client, make_article):
        make_article(title="Secret", topics=["數碼港"], status=Article.Status.DRAFT)
        response = search(client, topic="数码港")
        assert titles(response) == []
        assert response.context["search"].has_unknown_filter


@pytest.mark.django_db
class TestIndexFollowsArticles:
    def test_saved_edited_and_deleted(self, make_article):
        article = make_article(title="香港科學園")
        assert "香港科学园" in indexed_words(article)
        article.title = "數碼港"
        article.save()
        words = indexed_words(article)
        assert "数码港" in words and "香港科学园" not in words
        pk = article.pk
        article.delete()
        with connection.cursor() as cursor:
            column = "article_id" if connection.vendor == "postgresql" else "rowid"
            cursor.execute(f"SELECT count(*) FROM {FTS_TABLE} WHERE {column} = %s", [pk])
            assert cursor.fetchone()[0] == 0

    def test_bulk_inserts_are_indexed_by_the_command(self, client, make_article, section):
        from django.utils import timezone

        Article.objects.bulk_create(
            [
                Article(
                    title="金管局新指引",
                    slug="bulk-1",
                    body="",
                    section=section,
                    status=Article.Status.PUBLISHED,
                    published_at=timezone.now(),
                )
            ]
        )
        assert titles(search(client, q="金管局")) == []
        call_command("search_index", stdout=open("/dev/null", "w"))
        assert titles(search(client, q="金管局")) == ["金管局新指引"]
