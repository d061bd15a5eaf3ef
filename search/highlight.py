"""Highlighting: the words a search matched, marked in a result's title and in a snippet of
its body. Matched as the search matches: Chinese by its folded words in the folded text (so
数码港 marks 數碼港), other words case-insensitively where a word starts ("fintech" marks
"Fintechs", and the "AI" of "香港AI"). The output is the text escaped, with only <mark> added."""

import re

from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from core.text import fold_chinese

from .backends import split_term

SNIPPET_LENGTH = 200
# How much of a body (characters, to the end of that line) a snippet is first looked for in.
SNIPPET_SCAN = 1500
# Markdown that readers never see as text: images, link targets, tags, heading and emphasis
# marks ("[HKU](https://hku.hk)" reads "HKU").
_MARKDOWN_NOISE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\]\([^)]*\)"), "]"),
    (re.compile(r"<[^>]*>"), " "),
    (re.compile(r"[\[\]*_`#>|~]+"), " "),
]


def needles(terms):
    """The folded strings to mark for the positive terms of a search, longest first."""
    found = set()
    for group in terms:
        for term in group:
            if term.negated:
                continue
            if term.cjk:
                words, others = split_term(term.text)
                found.update(words)
                found.update(other.casefold() for other in others)
            else:
                found.add(fold_chinese(term.text).casefold())
    return sorted((n for n in found if n), key=len, reverse=True)


def _folded(text):
    """`text` folded and casefolded, with each folded character's position in `text`
    (folding may lengthen a character: "ß" -> "ss"). Folded whole where that keeps the
    length, the usual case; character by character otherwise."""
    folded = fold_chinese(text).casefold()
    if len(folded) == len(text):
        return folded, range(len(text))
    chars, positions = [], []
    for i, ch in enumerate(text):
        for folded in fold_chinese(ch).casefold():
            chars.append(folded)
            positions.append(i)
    return "".join(chars), positions


def _spans(text, strings, first=False):
    """Non-overlapping (start, end) spans of `text` where `strings` occur (only the first
    with `first`)."""
    if not strings or not text:
        return []
    folded, positions = _folded(text)
    pattern = "|".join(
        # An English word starts where no Latin letter or digit comes before it: "fintech"
        # marks "Fintechs" and the "AI" of "香港AI", not "Biofintech".
        re.escape(s) if re.match(r"\W", s[0]) or not s[0].isascii() else rf"(?<![a-z0-9]){re.escape(s)}"
        for s in strings
    )
    spans = []
    for match in re.finditer(pattern, folded):
        start, end = positions[match.start()], positions[match.end() - 1] + 1
        if not spans or start >= spans[-1][1]:
            spans.append((start, end))
            if first:
                break
    return spans


def mark(text, strings):
    """`text` escaped, its matches in <mark>."""
    out, last = [], 0
    for start, end in _spans(text, strings):
        out += [escape(text[last:start]), "<mark>", escape(text[start:end]), "</mark>"]
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def plain_text(markdown):
    """Markdown (or HTML) as the words readers read, on one line."""
    text = markdown or ""
    for pattern, replacement in _MARKDOWN_NOISE:
        text = pattern.sub(replacement, text)
    return re.sub(r"\s+", " ", strip_tags(text)).strip()


def snippet(text, strings, length=SNIPPET_LENGTH):
    """A window of `text` (HTML or Markdown, as plain text) around its first match, marked;
    "" when nothing in it matched. A body is long and its first match usually early: the
    window is looked for in its first lines (cut where a line ends, which Markdown's
    links, images and emphasis do not cross), and only then in the whole text, rather
    than the whole body made plain and folded each time. (Not in growing parts: a body
    the search matched by a stem alone, "regulated" for "regulation", has no match to
    mark, and would be read several times over.)"""
    text = text or ""
    cut = text.find("\n", SNIPPET_SCAN) if SNIPPET_SCAN < len(text) else -1
    if cut != -1:
        found = _snippet(text[:cut], strings, length, more=True)
        if found is not None:
            return found
    return _snippet(text, strings, length)


def _snippet(text, strings, length, more=False):
    """snippet() of `text`; with `more` (the text goes on after it), None where its first
    match is not in it, or its window would need what follows."""
    plain = plain_text(text)
    spans = _spans(plain, strings, first=True)
    if not spans:
        return None if more else ""
    start = max(0, spans[0][0] - length // 3)
    if more and start + length > len(plain):
        return None
    end = min(len(plain), start + length)
    window = plain[start:end]
    marked = mark(window, strings)
    return mark_safe(("… " if start else "") + marked + (" …" if more or end < len(plain) else ""))
