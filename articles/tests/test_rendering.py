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


# --- library images: ![alt](image:N) ----------------------------------------------------------


@pytest.fixture
def library_image(db):
    from tests.pictures import make_image

    return make_image("Tsing Ma Bridge at night", size=(800, 450), caption="The bridge", credit="Photo: HKAI")


def test_a_library_image_becomes_a_responsive_figure(library_image):
    html = render_markdown(f"Before.\n\n![The bridge, lit](image:{library_image.pk})\n\nAfter.")
    assert '<figure class="body-image"><picture><source type="image/webp"' in html
    assert 'alt="The bridge, lit"' in html and 'loading="lazy"' in html
    assert '<figcaption>The bridge <span class="credit">Photo: HKAI</span></figcaption>' in html
    assert active_content_problems(html) == []


def test_the_chooser_markdown_renders_with_the_library_alt_text(library_image):
    html = render_markdown(library_image.markdown)
    assert 'alt="Tsing Ma Bridge at night"' in html and 'width="800" height="450"' in html


def test_an_inline_library_image_is_a_picture_without_figure(library_image):
    html = render_markdown(f"Text ![x](image:{library_image.pk}) more text.")
    assert "<figure" not in html and "<p>Text <picture>" in html and "</picture> more text.</p>" in html


def test_an_image_not_in_the_library_renders_nothing(db):
    assert "<img" not in render_markdown("![gone](image:999999)")


def test_image_references_anywhere_but_an_img_src_are_dropped(library_image):
    pk = library_image.pk
    html = render_markdown(f'[click](image:{pk}) <a href="image:{pk}">x</a> ![x](image:{pk}/../../etc)')
    assert "image:" not in html
    assert "<picture>" not in html


def test_hostile_library_metadata_is_escaped(db):
    from tests.pictures import make_image

    image = make_image('"><script>alert(1)</script>', size=(320, 180), caption="<img src=x onerror=alert(2)>")
    html = render_markdown(image.markdown)
    assert active_content_problems(html) == [], html
    assert "<script" not in html and "onerror=alert" not in html.replace("onerror=alert(2)&gt;", "")
    hostile_alt = render_markdown(f'![" onerror="alert(3)](image:{image.pk})')
    assert active_content_problems(hostile_alt) == [], hostile_alt
