"""pagecache/signals.py: every committed change to public content shows on the next request."""

import pytest
from django.urls import reverse

from articles.models import Article, Author, Organisation, Section, Topic

from .helpers import get


@pytest.mark.django_db
class TestInvalidation:
    def test_editing_an_article_shows_on_the_next_request(self, page_cache, client, make_article, commit):
        article = make_article(title="Old headline")
        url = article.get_absolute_url()
        assert get(client, url)[1] == "MISS"
        assert get(client, url)[1] == "HIT"
        with commit():
            article.title = "New headline"
            article.save()
        response, state = get(client, url)
        assert state == "MISS"
        assert "New headline" in response.content.decode()
        assert "Old headline" not in response.content.decode()

    def test_publishing_and_unpublishing(self, page_cache, client, make_article, commit):
        draft = make_article(title="Quiet draft", status=Article.Status.DRAFT, published_at=None)
        url = reverse("reader:article_list")
        assert "Quiet draft" not in get(client, url)[0].content.decode()
        assert get(client, url)[1] == "HIT"
        with commit():
            draft.status = Article.Status.PUBLISHED
            draft.save()
        response, state = get(client, url)
        assert state == "MISS" and "Quiet draft" in response.content.decode()
        assert client.get(draft.get_absolute_url()).status_code == 200
        with commit():
            draft.status = Article.Status.DRAFT
            draft.save()
        response, state = get(client, url)
        assert state == "MISS" and "Quiet draft" not in response.content.decode()
        assert client.get(draft.get_absolute_url()).status_code == 404

    def test_deleting_an_article(self, page_cache, client, make_article, commit):
        article = make_article(title="Short-lived story")
        url, detail = reverse("reader:article_list"), article.get_absolute_url()
        assert "Short-lived story" in get(client, url)[0].content.decode()
        assert client.get(detail).status_code == 200
        with commit():
            article.delete()
        response, state = get(client, url)
        assert state == "MISS" and "Short-lived story" not in response.content.decode()
        assert client.get(detail).status_code == 404

    @pytest.mark.parametrize("model", [Topic, Organisation, Section])
    def test_renaming_a_tag_or_section(self, page_cache, client, make_article, section, commit, model):
        topic = Topic.objects.create(name="robotics")
        organisation = Organisation.objects.create(name="Harbour Labs")
        article = make_article(topics=[topic], organisations=[organisation])
        renamed = {Topic: topic, Organisation: organisation, Section: section}[model]
        url = article.get_absolute_url()
        assert renamed.name in get(client, url)[0].content.decode()
        assert get(client, url)[1] == "HIT"
        with commit():
            renamed.name = "Renamed Thing"
            renamed.save()
        response, state = get(client, url)
        assert state == "MISS" and "Renamed Thing" in response.content.decode()

    def test_tagging_and_untagging_through_taggit(self, page_cache, client, make_article, commit):
        # A topic's page exists once a published article carries it (else it is a 404,
        # which is not cached): another article keeps it public throughout.
        make_article(title="Quantum basics", topics=["quantum"])
        topic = Topic.objects.get(name="quantum")
        article = make_article(title="Qubits in Sha Tin")
        url = topic.get_absolute_url()
        assert "Qubits in Sha Tin" not in get(client, url)[0].content.decode()
        assert get(client, url)[1] == "HIT"
        with commit():
            article.topics.add(topic)
        response, state = get(client, url)
        assert state == "MISS" and "Qubits in Sha Tin" in response.content.decode()
        get(client, url)
        with commit():
            article.topics.remove(topic)
        response, state = get(client, url)
        assert state == "MISS" and "Qubits in Sha Tin" not in response.content.decode()

    def test_changing_bylines(self, page_cache, client, make_article, commit):
        article = make_article()
        url = article.get_absolute_url()
        get(client, url)
        assert get(client, url)[1] == "HIT"
        with commit():
            article.authors.add(Author.objects.create(name="Winnie Lau", slug="winnie-lau"))
        response, state = get(client, url)
        assert state == "MISS" and "Winnie Lau" in response.content.decode()

    def test_a_rolled_back_change_invalidates_nothing(
        self, page_cache, client, make_article, django_capture_on_commit_callbacks
    ):
        article = make_article()
        url = article.get_absolute_url()
        get(client, url)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            article.title = "Rolled back"
            article.save()
        assert callbacks  # invalidation waits for the commit, which here never comes
        assert get(client, url)[1] == "HIT"
