"""search/highlight.py and its use on the search page: matched words in <mark>, Chinese by
the folded words the search matched (a Simplified query marks Traditional text), everything
else escaped."""

import re

import pytest

from search.highlight import SNIPPET_LENGTH, SNIPPET_SCAN, _snippet, mark, needles, plain_text, snippet
from search.query import parse_terms

from .helpers import search

# Only these tags may come out of the highlighter, whatever the text held.
ONLY_MARKS = re.compile(r"</?mark>")


def strings(q):
    return needles(parse_terms(q))


def tags_in(html):
    return set(re.findall(r"</?[a-z][^>]*>", html))


class TestMark:
    def test_english_is_marked_where_a_word_starts_whatever_its_case(self):
        assert (
            mark("Fintechs and fintech", strings("FINTECH"))
            == "<mark>Fintech</mark>s and <mark>fintech</mark>"
        )
        assert mark("Biofintech", strings("fintech")) == "Biofintech"

    @pytest.mark.django_db
    def test_a_simplified_query_marks_the_traditional_text(self):
        assert mark("數碼港與香港科學園", strings("数码港")) == "<mark>數碼港</mark>與香港科學園"

    @pytest.mark.django_db
    def test_traditional_query_marks_simplified_text(self):
        assert mark("数码港的新中心", strings("數碼港")) == "<mark>数码港</mark>的新中心"

    @pytest.mark.django_db
    def test_mixed_query_marks_both_parts(self):
        assert mark("香港AI 發展", strings("香港ai")) == "<mark>香港</mark><mark>AI</mark> 發展"

    def test_negated_words_are_not_marked(self):
        assert mark("fintech and privacy", strings("fintech -privacy")) == "<mark>fintech</mark> and privacy"

    @pytest.mark.parametrize(
        "hostile",
        [
            "<script>alert(1)</script> fintech",
            '<img src=x onerror="alert(1)"> fintech',
            "fintech <mark>fake</mark> &amp; <b>bold</b>",
            "\"'><svg onload=alert(1)> fintech",
        ],
    )
    def test_hostile_text_is_escaped_and_only_marks_are_added(self, hostile):
        html = mark(hostile, strings("fintech script mark svg"))
        assert tags_in(html) <= {"<mark>", "</mark>"}
        assert "<mark>fintech</mark>" in html

    def test_a_query_that_is_markup_marks_escaped_text_only(self):
        html = mark("a <b> tag", strings("<b>"))
        assert tags_in(html) <= {"<mark>", "</mark>"}
        assert "&lt;" in html

    def test_no_terms_is_the_text_escaped(self):
        assert mark("<i>AI</i>", []) == "&lt;i&gt;AI&lt;/i&gt;"


class TestSnippet:
    def test_window_around_the_first_match_with_ellipses(self):
        body = "word " * 100 + "privacy rules " + "word " * 100
        text = snippet(body, strings("privacy"))
        assert text.startswith("… ") and text.endswith(" …")
        assert "<mark>privacy</mark> rules" in text
        assert len(re.sub(ONLY_MARKS, "", text)) <= 200 + 4

    def test_nothing_matched_is_no_snippet(self):
        assert snippet("nothing here", strings("privacy")) == ""

    def test_markdown_is_read_as_text(self):
        body = (
            "## Heading\n\n**Privacy** rules from [the PCPD](https://pcpd.org.hk/privacy) ![a chart](image:3)"
        )
        assert plain_text(body) == "Heading Privacy rules from the PCPD a chart"
        text = snippet(body, strings("privacy"))
        assert text == "Heading <mark>Privacy</mark> rules from the PCPD a chart"

    def test_hostile_body_is_escaped(self):
        body = "<script>alert('privacy')</script> privacy <img src=x onerror=alert(1)> &lt;b&gt;"
        text = snippet(body, strings("privacy"))
        assert tags_in(text) <= {"<mark>", "</mark>"}
        assert "<mark>privacy</mark>" in text

    @pytest.mark.parametrize("line", [0, 3, 40, 90, 199])
    @pytest.mark.parametrize("needle", ["privacy", "私隱"])
    def test_a_long_body_gives_the_whole_texts_snippet(self, line, needle):
        # Read from its first lines, then more (snippet), a long body's snippet is the one
        # its whole text gives (_snippet).
        lines = [
            f"Line {n} of a **long** body, with [a link](https://example.org/{n}) and words."
            for n in range(200)
        ]
        lines[line] += f" The {needle} rules 香港."
        body = "\n\n".join(lines)
        assert len(body) > 4 * SNIPPET_SCAN
        whole = _snippet(body, strings(needle), SNIPPET_LENGTH)
        assert f"<mark>{needle}</mark> rules" in whole
        assert snippet(body, strings(needle)) == whole

    def test_a_long_body_without_a_match_has_no_snippet(self):
        body = "\n".join(f"Line {n} of words." for n in range(1000))
        assert snippet(body, strings("privacy")) == ""


@pytest.mark.django_db
class TestSearchPage:
    def test_titles_standfirsts_and_snippets_are_marked(self, client, make_article):
        make_article(
            title="Cyberport opens a fintech centre",
            standfirst="Fintech start-ups move in.",
            body="Nothing. " * 50 + "The fintech centre opens in March.",
        )
        content = search(client, q="fintech").content.decode()
        assert "Cyberport opens a <mark>fintech</mark> centre" in content
        assert "<mark>Fintech</mark> start-ups move in." in content
        assert 'class="search-result__snippet">… ' in content
        assert "The <mark>fintech</mark> centre opens in March." in content

    def test_simplified_query_marks_the_traditional_title(self, client, make_article):
        make_article(title="數碼港新一代人工智能中心", body="政府宣布資助數碼港。")
        content = search(client, q="数码港").content.decode()
        assert "<mark>數碼港</mark>新一代人工智能中心" in content
        assert "政府宣布資助<mark>數碼港</mark>。" in content

    def test_hostile_titles_and_bodies_come_out_escaped(self, client, make_article):
        make_article(
            title="<script>alert(1)</script> fintech <img src=x onerror=alert(2)>",
            standfirst='"><svg onload=alert(3)> fintech',
            body="<iframe src=javascript:alert(4)></iframe> fintech <mark>x</mark>",
        )
        content = search(client, q="fintech").content.decode()
        results = content[content.index('class="search-results__list"') :]
        results = results[: results.index("</ol>")]
        assert "<script" not in results and "<img src=x" not in results and "<svg" not in results
        assert "<iframe" not in results and "<mark>x</mark>" not in results
        assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>fintech</mark>" in results

    def test_a_page_without_words_marks_nothing(self, client, make_article):
        make_article(title="Fintech", body="fintech")
        content = search(client).content.decode()
        assert "<mark>" not in content
