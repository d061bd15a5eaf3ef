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


def hits_without_rendering(client, urls, django_assert_num_queries):
    """Every url is a cache hit. After a change, the first request of all (on any server)
    looks up the next scheduled change again (two queries); every other hit makes none."""
    for number, url in enumerate(urls):
        with django_assert_num_queries(2 if number == 0 else 0, exact=False):
            assert get(client, url)[1] == "HIT", url


@pytest.mark.django_db
class TestPerKeyInvalidation:
    """A change makes stale exactly the pages showing what it affects (articles/surrogates.py);
    the others stay cache hits, answered with no page query."""

    def test_a_typo_fix_keeps_unrelated_pages_warm(
        self, page_cache, client, two_stories, commit, django_assert_num_queries
    ):
        edited, unrelated = two_stories
        affected = [
            edited.get_absolute_url(),
            Topic.objects.get(name="fintech").get_absolute_url(),
            reverse("reader:article_list"),
            reverse("reader:home"),
        ]
        unaffected = [
            unrelated.get_absolute_url(),
            Topic.objects.get(name="robotics").get_absolute_url(),
            unrelated.section.get_absolute_url(),
        ]
        for url in affected + unaffected:
            get(client, url)
            assert get(client, url)[1] == "HIT", url
        with commit():
            edited.title = "Fintech sandbox opens (corrected)"
            edited.save()
        hits_without_rendering(client, unaffected, django_assert_num_queries)
        for url in affected:
            response, state = get(client, url)
            assert state == "MISS" and "(corrected)" in response.content.decode(), url
            assert get(client, url)[1] == "HIT", url

    def test_publishing_refreshes_its_lists_and_not_unrelated_pages(
        self, page_cache, client, two_stories, make_article, commit, django_assert_num_queries
    ):
        from django.utils import timezone

        edited, unrelated = two_stories
        listing, fintech = reverse("reader:article_list"), Topic.objects.get(name="fintech")
        unaffected = [unrelated.get_absolute_url(), unrelated.section.get_absolute_url()]
        for url in [listing, fintech.get_absolute_url(), *unaffected]:
            get(client, url)
        with commit():
            # Now: the newest story, whose neighbour is the edited one, not the unrelated one.
            make_article(title="Second fintech story", topics=[fintech], published_at=timezone.now())
        hits_without_rendering(client, unaffected, django_assert_num_queries)
        for url in (listing, fintech.get_absolute_url()):
            response, state = get(client, url)
            assert state == "MISS" and "Second fintech story" in response.content.decode(), url

    def test_invisible_changes_bump_nothing(self, page_cache, client, two_stories, make_article, commit):
        from django.core.cache import cache

        from pagecache.generation import GENERATION_KEY

        edited, _unrelated = two_stories
        urls = [edited.get_absolute_url(), reverse("reader:article_list"), reverse("reader:home")]
        for url in urls:
            get(client, url)
        before = {name: cache.get(name) for name in [GENERATION_KEY, "page-cache:version:unkeyed"]}
        with commit():
            draft = make_article(title="Quiet draft", status=Article.Status.DRAFT, published_at=None)
            draft.body = "An autosave of the body."
            draft.save()
            draft.topics.add(Topic.objects.get(name="fintech"))
            draft.status = Article.Status.REVIEW
            draft.save()
        assert {name: cache.get(name) for name in before} == before
        for url in urls:
            assert get(client, url)[1] == "HIT", url

    def test_a_scheduled_article_refreshes_only_the_pages_it_enters(
        self, page_cache, client, two_stories, make_article, commit, django_assert_num_queries
    ):
        from datetime import timedelta
        from unittest import mock

        from django.utils import timezone

        _edited, unrelated = two_stories
        when = timezone.now() + timedelta(hours=1)
        with commit():
            make_article(title="Embargoed story", published_at=when)
        listing, unrelated_url = reverse("reader:article_list"), unrelated.get_absolute_url()
        for url in (listing, unrelated_url):
            get(client, url)
            assert get(client, url)[1] == "HIT"
        with mock.patch("django.utils.timezone.now", return_value=when + timedelta(seconds=1)):
            response, state = get(client, listing)
            assert state == "MISS" and "Embargoed story" in response.content.decode()
            # The page of an article in another section, far from it in time: still warm.
            assert get(client, unrelated_url)[1] == "HIT"
            assert get(client, listing)[1] == "HIT"


@pytest.mark.django_db
def test_the_edges_schedule_is_looked_up_again_only_when_it_can_change(
    page_cache, client, two_stories, make_article, commit, settings, monkeypatch
):
    """The scheduled changes within the edge's lifetime (every page's s-maxage is cut at
    them) are a costly lookup: kept until an article is scheduled, published, withdrawn or
    given an expiry ("latest"), not recomputed after a typo fix."""
    from datetime import timedelta

    from django.utils import timezone

    from pagecache import generation

    settings.PAGE_CACHE_EDGE_SECONDS = 86_400
    edited, _unrelated = two_stories
    with commit():
        make_article(title="Embargoed story", published_at=timezone.now() + timedelta(hours=1))
    looked_up = []
    find = generation._scheduled_changes

    def counting(horizon, **kwargs):
        if horizon == settings.PAGE_CACHE_EDGE_SECONDS:
            looked_up.append(horizon)
        return find(horizon, **kwargs)

    monkeypatch.setattr(generation, "_scheduled_changes", counting)
    get(client, reverse("reader:article_list"))
    assert len(looked_up) == 1
    with commit():
        edited.title = "Fintech sandbox opens (corrected)"
        edited.save()
    assert get(client, edited.get_absolute_url())[1] == "MISS"
    assert len(looked_up) == 1
    with commit():
        make_article(title="Another story", published_at=timezone.now())
    get(client, reverse("reader:article_list"))
    assert len(looked_up) == 2
