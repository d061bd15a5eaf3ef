"""Slugs and tag names: one rule each, used by the models, the newsroom's forms and the
bulk loaders that bypass the models' save()."""

import re

from django.utils.text import slugify

_WHITESPACE = re.compile(r"\s+")


def unicode_slugify(value):
    """A readable slug that keeps Chinese characters: "香港AI" -> "香港ai"."""
    return slugify(value, allow_unicode=True)


def normalise_tag_name(name):
    """Trim and collapse whitespace, so " smart   city " and "smart city" are one tag."""
    return _WHITESPACE.sub(" ", name).strip()


def tag_slug(name, i=None):
    """A tag's slug: the unicode slug of its name ("tag" if nothing is left), "-i" on the
    i-th clash. taggit's TagBase.slugify() and the bulk loader both call this."""
    slug = unicode_slugify(name) or "tag"
    if i is not None:
        slug += f"-{i}"
    return slug
