"""The review page's marked text: escaped, offsets kept, overlapping marks cut cleanly, RTL for Arabic."""

from __future__ import annotations

import re

from conflictmap.extract import Extractor
from conflictmap.extract.article import make_article
from conflictmap.extract.highlight import Mention, marked_html, mentions
from tests.conftest import PAYLOAD, REPO

TEXT = ("قال «المرصد السوري لحقوق الإنسان» إن عبوة ناسفة انفجرت أمس قرب بلدة عين عيسى.\n"
        "ونفت «قوات سوريا الديمقراطية» ذلك.")


def visible_text(html: str) -> str:
    """What a browser shows, roughly: tags dropped, <br> as newlines, entities decoded."""
    import html as h

    return h.unescape(re.sub(r"<[^>]+>", "", html.replace("<br>", "\n")))


def test_untrusted_text_stays_text_and_every_character_is_kept():
    text = f"before {PAYLOAD} after"
    spans = [Mention(0, 6, "place", "<b>label</b>"), Mention(7, 7 + len(PAYLOAD), "quote", PAYLOAD)]
    out = marked_html(text, spans)
    assert "<script" not in out and "<img" not in out and "<b>label" not in out
    assert out.count("<mark") == 2
    assert visible_text(out) == text


def test_overlapping_marks_are_cut_into_pieces_and_the_selected_quote_has_an_anchor():
    text = "abcdefghij"
    out = marked_html(text, [Mention(0, 6, "quote", "q"), Mention(2, 4, "place", "p")], selected=(0, 6))
    assert visible_text(out) == text
    pieces = re.findall(r'data-kinds="([^"]+)"[^>]*>([^<]*)</mark>', out)
    assert pieces == [("quote selected", "ab"), ("quote place selected", "cd"), ("quote selected", "ef")]
    assert out.count('id="cm-selected"') == 1


def test_mentions_of_an_arabic_article_and_rtl():
    ex = Extractor(REPO)
    art = make_article(TEXT, "2018-06-05", outlet="Test Wire")
    doc = ex.extract(art)
    found = {(m.kind, TEXT[m.start:m.end]) for m in mentions(ex, TEXT, art.published, doc)}
    assert ("place", "عين عيسى") in found
    assert ("date", "أمس") in found
    assert ("claimant", "المرصد السوري لحقوق الإنسان") in found
    assert ("cue", "ونفت") in found
    assert any(k == "quote" for k, _ in found)
    out = marked_html(TEXT, mentions(ex, TEXT, art.published, doc), rtl=True)
    assert out.startswith('<div class="cm-article" dir="rtl" lang="ar"')
    assert visible_text(out) == TEXT
