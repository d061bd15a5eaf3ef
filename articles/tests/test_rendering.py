"""articles/rendering.py: render_markdown() neutralises every hostile payload and keeps what editors need."""

import pytest

from articles.rendering import render_markdown
from tests.page_checks import active_content_problems

from .hostile import HOSTILE, HOSTILE_BODY


@pytest.mark.parametrize("payload", HOSTILE, ids=[f"xss-{n:02d}" for n in range(len(HOSTILE))])
def test_rendering_neutralises_each_payload(payload):
    html = render_markdown(payload)
    assert active_content_problems(html) == [], html
    assert "<form" not in html and "<input" not in html, html


def test_rendering_neutralises_the_whole_corpus_at_once():
    html = render_markdown(HOSTILE_BODY)
    assert active_content_problems(html) == []
    assert "<form" not in html and "<input" not in html


def test_rendering_keeps_what_editors_need():
    """Sanitizing must not cost the features articles use (so the tests above can't pass
    by rendering nothing)."""
    html = render_markdown(
        '# Title\n\nSee [HKSTP](https://www.hkstp.org "Science Park"), [us](/about/), '
        "[mail](mailto:news@example.com) and [a note](#note).\n\n"
        "![A chart](/media/chart.png)\n\n> quoted\n\n- one\n- two\n\n`code`\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n**bold** *em* 香港人工智能"
    )
    for expected in (
        "<h2>Title</h2>",
        'href="https://www.hkstp.org"',
        'title="Science Park"',
        'href="/about/"',
        'href="mailto:news@example.com"',
        'href="#note"',
        'src="/media/chart.png"',
        'alt="A chart"',
        "<blockquote>",
        "<li>two</li>",
        "<code>code</code>",
        "<table>",
        "<td>2</td>",
        "<strong>bold</strong>",
        "<em>em</em>",
        "香港人工智能",
        'rel="noopener noreferrer"',
    ):
        assert expected in html, expected
