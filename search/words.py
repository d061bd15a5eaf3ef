"""Chinese words for search: the text in one script (core.text.fold_chinese), cut into words
by rjieba (jieba's segmenter) with the site's own dictionary on top of jieba's.

Only runs of CJK characters are segmented; other text (English) is matched as before (see
the package docstring). Segmentation runs without jieba's HMM guesses, so the same run is cut
the same way whatever surrounds it: a run the dictionary does not know falls apart into single
characters, which the index also holds (index_words), so a query is always found where its
characters are.
"""

import re
import threading
from pathlib import Path

from core.text import fold_chinese

from .query import CJK_CHARACTERS

DICTIONARY_FILE = Path(__file__).with_name("dictionary.txt")
_CJK_RUN = re.compile(f"{CJK_CHARACTERS}+")
# Latin letters and digits written against Chinese ("港鐵用AI預測", "X光"): PostgreSQL's parser
# reads the whole run as one token, so the stored document never holds them as words.
_GLUED_LATIN = re.compile(f"[A-Za-z0-9]+(?={CJK_CHARACTERS})|(?<={CJK_CHARACTERS})[A-Za-z0-9]+")


def cjk_runs(text):
    """The runs of CJK characters in `text`, folded: "香港AI的發展" -> ["香港", "的发展"]."""
    return _CJK_RUN.findall(fold_chinese(text))


def glued_latin(text):
    """The Latin words written against Chinese in `text`, lowercased: "港鐵用AI預測" -> ["ai"]."""
    return [word.lower() for word in _GLUED_LATIN.findall(fold_chinese(text))]


def site_words():
    """The site's own words: dictionary.txt, then every topic, organisation and section name
    holding Chinese (their CJK runs, folded), in both languages."""
    from articles.models import Organisation, Section, Topic

    words = [
        line.strip()
        for line in DICTIONARY_FILE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for model in (Topic, Organisation, Section):
        for names in model.objects.values_list("name", "name_zh_hant"):
            words.extend(name for name in names if name)
    return words


class Segmenter:
    """One rjieba segmenter per process, its dictionary loaded on first use."""

    def __init__(self):
        self._jieba = None
        self._lock = threading.Lock()

    def _segmenter(self):
        if self._jieba is None:
            with self._lock:
                if self._jieba is None:
                    import rjieba

                    jieba = rjieba.Jieba()
                    for word in site_words():
                        self._add(jieba, word)
                    self._jieba = jieba
        return self._jieba

    @staticmethod
    def _add(jieba, word):
        for run in cjk_runs(word):
            if len(run) > 1 and not jieba.has_word(run):
                jieba.add_word(run, None, None)

    def add_word(self, word):
        """Teach the running process a new word (a tag just saved); no-op before first use,
        when the dictionary is loaded whole from the database."""
        if self._jieba is not None:
            with self._lock:
                self._add(self._jieba, word)

    def reset(self):
        self._jieba = None

    def query_words(self, text):
        """The words a query's CJK runs are cut into: "数码港人工智能" -> ["数码港", "人工智能"]."""
        jieba = self._segmenter()
        return [word for run in cjk_runs(text) for word in jieba.cut(run, False)]

    def index_words(self, text):
        """The words an indexed text's CJK runs hold, in order: each run cut for search (long
        words with the shorter words inside them: 香港科学园, 香港, 科学, 学园), then its single
        characters, so one-character queries and runs the dictionary does not know match;
        last the Latin words written against Chinese (glued_latin)."""
        jieba = self._segmenter()
        words = []
        for run in cjk_runs(text):
            words.extend(jieba.cut_for_search(run, False))
            if len(run) > 1:
                words.extend(run)
        return words + glued_latin(text)


segmenter = Segmenter()
