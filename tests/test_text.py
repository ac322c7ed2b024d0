"""Arabic/Latin normalisation, escaping and link safety: the one path untrusted text takes to a page."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictmap.text import escape, link_html, normalise, safe_url


# Real spelling variants a reader types or an outlet prints, each against the form the ledger holds.
@pytest.mark.parametrize("typed, stored", [
    ("أحمد", "احمد"), ("إدلب", "ادلب"), ("آمن", "امن"), ("ٱلرقة", "الرقة"),  # alef with hamza above/below, madda, wasla
    ("مدينة", "مدينه"), ("قاعدة حميميم", "قاعده حميميم"),                      # taa marbuta / haa
    ("مصطفى", "مصطفي"), ("الدشيشة", "الدشيشه"),                               # alef maqsura / yaa; both folds at once
    ("مخطَّط", "مخطط"), ("وُضعت", "وضعت"), ("دمشقُ", "دمشق"), ("أميركيّون", "اميركيون"),  # harakat, shadda, tanwin
    ("هـــجين", "هجين"), ("الـميادين", "الميادين"),                            # tatweel
    ("٨ ديسمبر", "8 ديسمبر"), ("۲۰۲۴", "2024"), ("اللواء ٩٣", "اللواء 93"),     # Arabic-Indic and Persian digits
    ("al-Bāghūz", "al baghuz"), ("HMEIMIM", "Hmeimim"), ("Ḥajīn", "hajin"),     # Latin accents, case, punctuation
])
def test_normalise_folds_a_variant_to_the_stored_form(typed, stored):
    assert typed != stored  # a real variant, not the same string twice
    assert normalise(typed) == normalise(stored)


@pytest.mark.parametrize("a, b", [
    ("هجين", "حجين"),                 # different letters stay different
    ("الباغوز التحتاني", "الباغوز الفوقاني"),  # lower and upper Baghouz are different villages
    ("Hajin", "Mayadin"), ("93", "39"),
])
def test_normalise_keeps_different_words_apart(a, b):
    assert normalise(a) != normalise(b)


def test_normalise_output_is_what_search_compares():
    assert normalise("  قاعدةُ «حميميم»، صباحاً!  ") == "قاعده حميميم صباحا"
    assert normalise(None) == "" and normalise(float("nan")) == ""


ARABIC_AND_LATIN = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Zs")) |
                           st.sampled_from("أإآٱةىؤئـًٌٍَُِّْ٠١٢٣٤٥٦٧٨٩۰۱۲"), max_size=40)


@settings(max_examples=1000)
@given(ARABIC_AND_LATIN)
def test_normalise_is_idempotent(s):
    once = normalise(s)
    assert normalise(once) == once


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
    assert html.unescape(out) == raw  # nothing is silently dropped


def test_escape_blank_for_missing():
    assert escape(None) == "" and escape(float("nan")) == ""


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text += data


def _parse(markup: str) -> _Elements:
    p = _Elements()
    p.feed(markup)
    p.close()
    return p


@settings(max_examples=300)
@given(st.text(max_size=60) | st.sampled_from(['"><img src=x onerror=alert(1)>', "</script><script>x()</script>",
                                               "' onmouseover='x()", "${x()}", "`+x()+`"]))
def test_escaped_text_never_makes_a_tag_or_an_attribute(s):
    # In element content and in a quoted attribute, as render.py and maplayers.py use it.
    p = _parse(f'<div title="{escape(s)}">{escape(s)}</div>')
    assert [t for t, _ in p.tags] == ["div"]
    assert [k for k, _ in p.tags[0][1]] == ["title"]
    assert p.tags[0][1][0][1] == s and p.text == s  # shown exactly as written
    for ch in "`$\\":
        assert ch not in escape(s)  # cannot close or open a JavaScript template literal


SCHEME_TRICKS = st.builds(
    lambda scheme, case, junk: "".join(
        (c.upper() if up else c) + (junk if i == 2 else "") for i, (c, up) in enumerate(zip(scheme, case, strict=False))
    ) + ":alert(1)",
    st.sampled_from(["javascript", "vbscript", "data"]),
    st.lists(st.booleans(), min_size=10, max_size=10),
    st.sampled_from(["", "\t", "\n", "\r", "\x00", " "]),
)


@given(SCHEME_TRICKS, st.sampled_from(["", " ", "\t", "\x01"]))
def test_no_script_scheme_ever_becomes_a_link(url, prefix):
    url = prefix + url
    assert safe_url(url) is None
    p = _parse(link_html(url))
    assert not [a for t, a in p.tags if t == "a"], url
    assert p.text.strip() or not url.strip()  # shown as text instead


@pytest.mark.parametrize("url", ["https://example.org/a?b=1", "http://example.org", "mailto:desk@example.org",
                                 "  HTTPS://example.org/x  "])
def test_web_and_mail_links_stay_links(url):
    assert safe_url(url) == url.strip()
    p = _parse(link_html(url, "link"))
    assert [dict(a)["href"] for t, a in p.tags if t == "a"] == [url.strip()]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
                                 "java\tscript:alert(1)", "data:text/html,<script>x()</script>",
                                 "vbscript:msgbox(1)", "//evil.example/x", "/_stcore/health", "file:///etc/passwd",
                                 "", None, 3])
def test_anything_else_is_not_a_link(url):
    assert safe_url(url) is None
    assert "<a " not in link_html(url)
