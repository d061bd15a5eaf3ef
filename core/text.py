"""Slugs, tag names and reading time: one rule each, used by the models, the newsroom's forms
and the bulk loaders that bypass the models' save()."""

import math
import re
import unicodedata

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


# Reading time: one rule for both languages (and for mixed text). Chinese is read character
# by character, English word by word, so each is counted in its own unit and at its own rate:
# English at 238 words a minute (Brysbaert 2019's meta-analysis of silent reading of
# non-fiction by adults), Chinese at 260 characters a minute (the IReST norm for Chinese,
# 255 characters a minute read aloud, rounded up a little for silent reading). The newsroom's
# writing screen counts live in JavaScript with the same patterns (newsroom/static/newsroom/
# writing.js, countText); tests/browser/test_writing_screen.py checks both agree.
ENGLISH_WORDS_PER_MINUTE = 238
CHINESE_CHARACTERS_PER_MINUTE = 260
# CJK Unified Ideographs, Extension A, Compatibility Ideographs, Extensions B to F (the
# characters Hong Kong text uses); punctuation is not counted.
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
# A word: letters and digits, with inner apostrophes ("don't", "HK's"); hyphens separate.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Markdown's link targets and HTML tags are not read: "[HKU](https://hku.hk)" is one word.
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_TAG = re.compile(r"<[^>]*>")


def count_text(text):
    """(English words, Chinese characters) in Markdown `text`, as readers will read it."""
    text = _TAG.sub(" ", _LINK_TARGET.sub("] ", text or ""))
    characters = len(_HAN.findall(text))
    words = len(_WORD.findall(_HAN.sub(" ", text)))
    return words, characters


def reading_minutes(text):
    """Minutes to read `text`, rounded up: 1 for a few words, 0 for none."""
    words, characters = count_text(text)
    return math.ceil(words / ENGLISH_WORDS_PER_MINUTE + characters / CHINESE_CHARACTERS_PER_MINUTE)


# Chinese for matching: one form for both scripts, so 数码港 (Simplified, as mainland readers
# type it) finds 數碼港 (Traditional, as the site writes it). Folded to Simplified because
# Traditional to Simplified is many-to-one (發 and 髮 both become 发): folding merges forms and
# never has to guess, where Simplified to Traditional would. OpenCC's character table only,
# never its phrase tables, so the folded text has the length of the original, character for
# character (search/highlight.py marks the original text where the folded one matched).
_FOLDING = None
# The code points the table may change: CJK Unified Ideographs, Extension A, Compatibility.
_FOLDED_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))
# Runs of them: only these are translated, as str.translate with a dict costs a lookup for
# every character of a text, and most of an article is not Chinese.
_FOLDED_RUN = re.compile(
    "[" + "".join(f"{chr(start)}-{chr(end - 1)}" for start, end in _FOLDED_RANGES) + "]+"
)


def _folding_table():
    global _FOLDING
    if _FOLDING is None:
        import opencc

        converter = opencc.OpenCC("t2s.json")
        table = {}
        for start, end in _FOLDED_RANGES:
            for code in range(start, end):
                folded = converter.convert(chr(code))
                if len(folded) == 1 and folded != chr(code):
                    table[code] = folded
        _FOLDING = table
    return _FOLDING


def fold_chinese(text):
    """`text` with Traditional Chinese characters folded to Simplified ("數碼港" -> "数码港"),
    width unified (NFKC: "ＡＩ" -> "AI"): the one form in which search indexes and queries
    are compared, and tag names matched. Case is left alone (compare with casefold() or
    iexact where it matters), so the result has the length of NFKC(text)."""
    table = _folding_table()
    return _FOLDED_RUN.sub(
        lambda run: run.group().translate(table), unicodedata.normalize("NFKC", text or "")
    )
