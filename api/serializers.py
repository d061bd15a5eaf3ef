"""What the API says of each thing. Absolute URLs come from the request (the host it was
asked on) or, outside a request (webhook payloads), from settings.SITE_URL."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.models import Article, Author, Organisation, Section, Topic


def absolute(context, path):
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else settings.SITE_URL + path


def slug_field():
    # Not a SlugField: its schema pattern (\w) means ASCII to most JSON Schema validators, and
    # slugs may be Chinese ("香港ai").
    return serializers.CharField(help_text="Its address: letters of any script, digits, hyphens.")


class NamesMixin(serializers.Serializer):
    """A section's or tag's name in both languages (the Chinese one falls back to English)."""

    slug = slug_field()
    name = serializers.CharField(help_text="The English name.")
    name_zh_hant = serializers.SerializerMethodField(help_text="The Traditional Chinese name.")
    url = serializers.SerializerMethodField(help_text="Its page on the site (English).")

    def get_name_zh_hant(self, obj) -> str:
        return obj.name_in("zh-hant")

    def get_url(self, obj) -> str:
        return absolute(self.context, obj.get_absolute_url())


class SectionSerializer(NamesMixin, serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["slug", "name", "name_zh_hant", "description", "position", "url"]


class TopicSerializer(NamesMixin, serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["slug", "name", "name_zh_hant", "description", "url"]


class OrganisationSerializer(NamesMixin, serializers.ModelSerializer):
    safe_website = serializers.CharField(help_text="Its website (http or https), or empty.")

    class Meta:
        model = Organisation
        fields = ["slug", "name", "name_zh_hant", "kind", "safe_website", "description", "url"]


class TagSerializer(NamesMixin, serializers.Serializer):
    pass


class AuthorSerializer(serializers.ModelSerializer):
    slug = slug_field()

    class Meta:
        model = Author
        fields = ["slug", "name", "bio"]


class RenditionSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    format = serializers.CharField()
    crop = serializers.CharField()

    def get_url(self, rendition) -> str:
        url = rendition.url
        return url if url.startswith(("https://", "http://")) else absolute(self.context, url)


class HeroSerializer(serializers.Serializer):
    alt_text = serializers.CharField()
    caption = serializers.CharField()
    credit = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    renditions = serializers.SerializerMethodField(
        help_text="The sizes made so far (none yet right after upload)."
    )

    @extend_schema_field(RenditionSerializer(many=True))
    def get_renditions(self, image):
        # The prefetched rows only: renditions that have landed; none is made here.
        return RenditionSerializer(image.renditions.all(), many=True, context=self.context).data


class VersionSerializer(serializers.Serializer):
    """One language's version of a story: the article itself or its published translation."""

    id = serializers.IntegerField()
    slug = slug_field()
    language = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, article) -> str:
        return absolute(self.context, article.url_in(article.language))


class ArticleSerializer(serializers.ModelSerializer):
    slug = slug_field()
    language_tag = serializers.CharField(help_text='BCP 47: "en", "zh-Hant".')
    canonical_url = serializers.SerializerMethodField(help_text="Its page in its own language.")
    links = serializers.SerializerMethodField(
        help_text="The page of each language version, by language code.",
    )
    translation = serializers.SerializerMethodField(help_text="Its published translation, or null.")
    section = SectionSerializer()
    topics = TagSerializer(many=True)
    organisations = TagSerializer(many=True)
    authors = AuthorSerializer(many=True)
    hero = HeroSerializer(allow_null=True)
    body_markdown = serializers.CharField(
        source="body", help_text="The body as the newsroom wrote it (Markdown)."
    )
    body_html = serializers.CharField(help_text="The body rendered and sanitized, as the site shows it.")

    class Meta:
        model = Article
        fields = [
            "id",
            "slug",
            "title",
            "standfirst",
            "language",
            "language_tag",
            "canonical_url",
            "links",
            "translation",
            "section",
            "topics",
            "organisations",
            "authors",
            "hero",
            "featured",
            "reading_minutes",
            "published_at",
            "updated_at",
            "body_markdown",
            "body_html",
        ]

    def get_canonical_url(self, article) -> str:
        return absolute(self.context, article.url_in(article.language))

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_links(self, article):
        versions = [article, article.published_translation()]
        return {v.language: absolute(self.context, v.url_in(v.language)) for v in versions if v is not None}

    @extend_schema_field(VersionSerializer(allow_null=True))
    def get_translation(self, article):
        translated = article.published_translation()
        return VersionSerializer(translated, context=self.context).data if translated is not None else None


def article_payload(article):
    """An article as the API shows it, outside a request (webhooks)."""
    return ArticleSerializer(article, context={}).data
