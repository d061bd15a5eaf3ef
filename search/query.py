"""The words of a search, in pure Python: cleaning what readers type (any text in any
parameter is tolerated) and parsing web-search syntax into terms."""

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_LENGTH = 200
# Slugs and names are at most 100 characters; longer values cannot match anything.
MAX_VALUE_LENGTH = 100

CJK_CHARACTERS = (
    "[\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]"
)
_CJK = re.compile(CJK_CHARACTERS)
# Web-search syntax: an optional "-" then a "quoted phrase" (closing quote optional) or a word.
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WHITESPACE = re.compile(r"\s+")
# Punctuation that only separates words ("香港，金融", "AI, fintech"); what stays has a meaning
# in a term (don't, A.I., GPT-4, "phrases", -excluded, C#, R&D).
_KEPT_PUNCTUATION = set("\"'-._#&@/%*")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})


def contains_cjk(text):
    return bool(_CJK.search(text))


def clean_text(value, max_length):
    """Drop control and format characters (PostgreSQL rejects NUL in strings), unify
    full-width forms (NFKC: "ＡＩ" -> "AI", ideographic space -> space), trim."""
    value = value[: max_length * 4]
    value = unicodedata.normalize("NFKC", value)
    value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch in "\t\n")
    return _WHITESPACE.sub(" ", value).strip()[:max_length].strip()


def clean_query(value):
    value = clean_text(value, MAX_QUERY_LENGTH * 2).translate(_QUOTES)
    value = "".join(
        " " if unicodedata.category(ch)[0] == "P" and ch not in _KEPT_PUNCTUATION else ch for ch in value
    )
    return _WHITESPACE.sub(" ", value).strip()[:MAX_QUERY_LENGTH].strip()


def _strip_punctuation(text):
    start, end = 0, len(text)
    while start < end and unicodedata.category(text[start])[0] == "P":
        start += 1
    while end > start and unicodedata.category(text[end - 1])[0] == "P":
        end -= 1
    return text[start:end]


@dataclass(frozen=True)
class Term:
    text: str
    negated: bool = False
    phrase: bool = False

    @property
    def cjk(self):
        return contains_cjk(self.text)

    def websearch(self):
        text = f'"{self.text}"' if self.phrase else self.text
        return f"-{text}" if self.negated else text


def parse_terms(query):
    """The query as groups of alternatives: [[a], [b, c]] means a AND (b OR c).
    A negated term is always a group of its own."""
    groups, join_next = [], False
    for match in _TOKEN.finditer(query):
        minus, phrase, word = match.groups()
        if word is not None:
            if word.lower() == "or":
                join_next = bool(groups) and not groups[-1][0].negated
                continue
            negated = word.startswith("-") and len(word) > 1
            term = Term(_strip_punctuation(word.replace('"', "")), negated=negated)
        else:
            term = Term(_WHITESPACE.sub(" ", phrase).strip(), negated=bool(minus), phrase=True)
        if not term.text:
            continue
        if join_next and not term.negated:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    return groups
