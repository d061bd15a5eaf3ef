"""core/text.py: the reading-time rule (the slug and tag rules are tested with the models)."""

import pytest

from core.text import (
    CHINESE_CHARACTERS_PER_MINUTE,
    ENGLISH_WORDS_PER_MINUTE,
    count_text,
    fold_chinese,
    reading_minutes,
)

# (text, English words, Chinese characters): also the samples the writing screen's
# JavaScript count is checked against (tests/browser/test_writing_screen.py).
COUNT_SAMPLES = [
    ("", 0, 0),
    ("Hong Kong's AI hub grows.", 5, 0),
    ("## A heading\n\n**Bold** and _italic_ text, don't split.", 8, 0),
    ("[HKU](https://www.hku.hk/research) and ![a chart](/media/chart.png)", 4, 0),
    ("香港人工智能發展迅速。", 0, 10),
    ("數碼港的 AI 初創企業在 2026 年增加了 30%。", 3, 13),
    ("self-driving cars: 4 km/h <em>slow</em>", 7, 0),
    ("𠀋𠀋 rare characters", 2, 2),
]


@pytest.mark.parametrize(("text", "words", "characters"), COUNT_SAMPLES)
def test_english_counts_words_and_chinese_counts_characters(text, words, characters):
    assert count_text(text) == (words, characters)


def test_reading_time_is_words_and_characters_at_their_rates_rounded_up():
    assert reading_minutes("") == 0
    assert reading_minutes("One word") == 1
    assert reading_minutes("word " * ENGLISH_WORDS_PER_MINUTE) == 1
    assert reading_minutes("word " * (ENGLISH_WORDS_PER_MINUTE + 1)) == 2
    assert reading_minutes("字" * CHINESE_CHARACTERS_PER_MINUTE * 3) == 3
    # Mixed text: each part at its own rate, added.
    mixed = "word " * (ENGLISH_WORDS_PER_MINUTE * 2) + "字" * (CHINESE_CHARACTERS_PER_MINUTE * 2)
    assert reading_minutes(mixed) == 4


@pytest.mark.parametrize(
    "text, folded",
    [
        ("數碼港", "数码港"),
        ("数码港", "数码港"),
        ("香港科學園", "香港科学园"),
        ("金融科技", "金融科技"),
        ("發展 頭髮", "发展 头发"),
        ("臺灣", "台湾"),
        ("ＡＩ fintech", "AI fintech"),
        ("Cyberport 數碼港", "Cyberport 数码港"),
        # Runs of Chinese between Latin text and punctuation are folded where they stand.
        ("“AI”與數碼港—2026年發展", "“AI”与数码港—2026年发展"),
    ],
)
def test_fold_chinese_gives_one_form_for_both_scripts_and_widths(text, folded):
    assert fold_chinese(text) == folded


def test_fold_chinese_keeps_each_character_in_place():
    text = "香港科學園與數碼港合作，發展人工智能 (AI)。"
    folded = fold_chinese(text)
    assert len(folded) == len(text)
    changed = [(a, b) for a, b in zip(text, folded, strict=True) if a != b]
    assert changed == [
        ("學", "学"),
        ("園", "园"),
        ("與", "与"),
        ("數", "数"),
        ("碼", "码"),
        ("，", ","),
        ("發", "发"),
    ]
