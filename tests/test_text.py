import pytest

from conflictmap.text import escape, matches, normalise


@pytest.mark.parametrize("a, b", [
    ("أحمد", "احمد"), ("إدلب", "ادلب"), ("آمن", "امن"),          # alef forms
    ("الميادين", "الميادين"), ("مدينة", "مدينه"),                # taa marbuta
    ("مصطفى", "مصطفي"),                                          # alef maqsura
    ("مخطَّط", "مخطط"), ("وُضعت", "وضعت"),                       # diacritics
    ("هـــجين", "هجين"),                                          # tatweel
    ("٨ ديسمبر", "8 ديسمبر"), ("۲۰۲۴", "2024"),                  # Arabic-Indic digits
    ("al-Bāghūz", "al baghuz"), ("Hmeimim", "HMEIMIM"),           # Latin accents, case
])
def test_normalise_folds_variants_together(a, b):
    assert normalise(a) == normalise(b)


def test_normalise_keeps_distinct_words_distinct():
    assert normalise("هجين") != normalise("حجين")
    assert normalise("Hajin") != normalise("Mayadin")


def test_matches_needs_every_word():
    assert matches("قاعدة حميميم", "وصل إلى قاعدة حميميم صباحاً")
    assert not matches("قاعدة موسكو", "وصل إلى قاعدة حميميم صباحاً")
    assert matches("", "anything")


@pytest.mark.parametrize("raw, forbidden", [
    ('<img src=x onerror="alert(1)">', "<img"),
    ("${alert(1)}", "${"),
    ("`+alert(1)+`", "`"),
    ("a\\b", "\\"),
    ("'quoted' \"double\"", '"'),
])
def test_escape_neutralises_html_and_template_literals(raw, forbidden):
    out = escape(raw)
    assert forbidden not in out
    assert out  # nothing is silently dropped


def test_escape_blank_for_missing():
    assert escape(None) == "" and escape(float("nan")) == ""
