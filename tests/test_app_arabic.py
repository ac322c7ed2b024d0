"""Every page in Arabic, through Streamlit's AppTest: Arabic headings, text, table headings, right to left.

The language is chosen the way a user chooses it, with the map page's switch, and kept across pages
(ui.i18n.lang). A page that still shows English would fail here: every heading, caption, message and metric
label must carry Arabic, and every table heading set through column_config too.
"""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO

PAGES = ["pages/map.py", "pages/events.py", "pages/claims.py", "pages/places.py", "pages/import_data.py",
         "pages/article.py", "pages/quality.py"]
ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture
def arabic(monkeypatch):
    """The app with Arabic chosen on the map page."""
    monkeypatch.delenv("CONFLICTMAP_DATA", raising=False)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90).run()
    at.button_group(key="lang").set_value("ar").run()
    assert not at.exception
    return at


def texts(at: AppTest) -> dict[str, list[str]]:
    """What a reader reads on the page, by kind (the sidebar's filters included)."""
    out = {kind: [e.value for e in at.get(kind)] for kind in ("title", "subheader", "header", "caption", "info",
                                                               "success", "warning", "error")}
    out["markdown"] = [m.value for m in at.markdown]
    out["metric"] = [m.label for m in at.metric]
    out["headings"] = [c["label"] for df in at.dataframe
                       for c in json.loads(df.proto.columns or "{}").values() if c.get("label")]
    out["tab"] = [tab.label for tab in at.tabs]
    out["expander"] = [e.label for e in at.expander]
    for kind in ("button", "selectbox", "multiselect", "text_input", "text_area", "checkbox", "toggle", "slider",
                 "date_input", "number_input", "radio"):
        # Buttons named after an event (the map's "without a precise place" list) carry data, not interface text.
        out[kind] = [w.label for w in at.get(kind) if not (getattr(w, "key", None) or "").startswith("imprecise_")]
    out["help"] = [w.help for kind in ("button", "selectbox", "multiselect", "text_input", "slider")
                   for w in at.get(kind) if getattr(w, "help", None)]
    return out


@pytest.mark.parametrize("page", PAGES)
def test_every_page_in_arabic_shows_arabic_headings_and_text(arabic, page):
    at = arabic if page == "pages/map.py" else arabic.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    [title] = shown["title"]
    assert ARABIC.search(title) and not LATIN_WORD.search(title), title
    for kind, values in shown.items():
        for value in values:
            # Code, file names and data (outlets, ids) may sit in an Arabic sentence; English alone may not.
            assert ARABIC.search(value), f"{page}: {kind} {value!r} is not Arabic"
    # The whole app runs right to left in Arabic (app.py, on every page).
    assert any("direction: rtl" in h.proto.body for h in at.get("html")), page


def test_the_tables_get_arabic_column_headings(arabic):
    at = arabic.switch_page("pages/events.py").run()
    [table] = at.dataframe
    config = json.loads(table.proto.columns)
    assert config["date_start"]["label"] == "التاريخ" and config["status"]["label"] == "الحالة"
    # The status column reads as words in the reader's language; the data underneath is unchanged.
    assert "متنازع عليه" in set(table.value["status"]) and "contested" not in set(table.value["status"])


def test_the_claim_ledger_in_arabic_runs_right_to_left_with_arabic_labels(arabic, seed):
    denied = seed.claims.loc[seed.claims["stance"] == "denies", "event_id"].iloc[0]
    arabic.session_state["selected_event"] = denied
    at = arabic.run()
    [ledger] = [h.proto.body for h in at.get("html") if "cm-ledger" in h.proto.body]
    assert 'class="cm-ledger" dir="rtl" lang="ar"' in ledger
    for label in ("سجل الروايات", "ينفي", "التاريخ:", "المصدر:"):
        assert label in ledger, label
    for english in ("Claim ledger", "Denies", "When:", "Source:", "Where ("):
        assert english not in ledger, english


def test_english_stays_the_default(monkeypatch):
    monkeypatch.delenv("CONFLICTMAP_DATA", raising=False)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90).run()
    at.switch_page("pages/claims.py").run()
    assert at.title[0].value == "Claims & sources"
    assert [s.value for s in at.subheader] == ["Who said what: claimant × event", "Every claim", "Sources"]
    assert not any("direction: rtl" in h.proto.body for h in at.get("html"))


def test_an_articles_review_in_arabic_is_arabic(monkeypatch):
    # The review (drafts, places, claims) is the page's largest form: every label in it must be Arabic too.
    # The drafts are read by the core, as the page's "Read the article" does (ui.article.input_form).
    import datetime as dt

    from conflictmap.extract import Extractor
    from conflictmap.extract.article import make_article
    from conflictmap.extract.highlight import mentions

    monkeypatch.setenv("CONFLICTMAP_EDIT", "local")
    monkeypatch.delenv("CONFLICTMAP_DATA", raising=False)
    # Our own short report: a monitor asserts a blast near a town, a ministry denies it.
    text = ("قال المرصد السوري لحقوق الإنسان إن انفجارًا وقع أمس قرب بلدة عين عيسى في ريف الرقة. "
            "ونفت وزارة الدفاع وقوع أي انفجار في المنطقة.")
    article = make_article(text, dt.date(2018, 6, 5), outlet="Test outlet")
    ex = Extractor(REPO)
    doc = ex.extract(article)
    assert doc["events"] and doc["events"][0]["claims"], "the test article gives no draft"
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    at.button_group(key="lang").set_value("ar").run()
    at.session_state["_article_doc"] = doc
    at.session_state["_article_article"] = article
    at.session_state["_article_marks"] = mentions(ex, article.text, article.published, doc)
    at.switch_page("pages/article.py").run()
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    assert shown["subheader"] and shown["checkbox"], "the review is not shown"
    for kind, values in shown.items():
        for value in values:
            assert ARABIC.search(value), f"{kind} {value!r} is not Arabic"
    legend = next(h.proto.body for h in at.get("html") if "<mark" in h.proto.body and "cm-article" not in h.proto.body)
    assert "مكان" in legend and "place" not in legend


def test_a_shared_links_notices_are_in_the_links_language(seed):
    from conflictmap.viewstate import from_query

    _, notices = from_query({"lang": ["ar"], "map": ["nowhere"], "event": ["no-such-event"]}, seed, basemaps=["osm"])
    assert len(notices) == 2 and all(ARABIC.search(n) for n in notices), notices
    _, notices = from_query({"map": ["nowhere"]}, seed, basemaps=["osm"])
    assert notices == ["Ignored map='nowhere': unknown basemap."]


def test_event_types_read_in_arabic_in_the_filter_the_ledger_and_the_table(arabic, seed):
    # ACLED's vocabulary is interface text too: a reader in Arabic picks and reads types in Arabic.
    [types] = [w for w in arabic.multiselect if w.key == "f_types"]
    assert "معارك" in types.options and "Battles" not in types.options
    event = seed.events.loc[seed.events["event_type"] == "Explosions/Remote violence"].iloc[0]
    arabic.session_state["selected_event"] = event["event_id"]
    at = arabic.run()
    [ledger] = [h.proto.body for h in at.get("html") if "cm-ledger" in h.proto.body]
    assert "انفجارات/عنف عن بُعد" in ledger and "Explosions/Remote violence" not in ledger
    at = at.switch_page("pages/events.py").run()
    shown = set(at.dataframe[0].value["event_type"])
    assert "انفجارات/عنف عن بُعد" in shown and "Explosions/Remote violence" not in shown


def test_a_type_chosen_in_arabic_filters_by_its_value(arabic):
    [types] = [w for w in arabic.multiselect if w.key == "f_types"]
    at = types.select("Strategic developments").run()
    assert not at.exception
    assert at.session_state["f_types"] == ["Strategic developments"]
    # The link keeps the value, not the label.
    assert at.query_params.get("type") in ("Strategic developments", ["Strategic developments"])


def test_the_basemap_is_named_in_arabic_and_stays_chosen_across_a_language_switch(monkeypatch):
    monkeypatch.delenv("CONFLICTMAP_DATA", raising=False)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90).run()
    at.selectbox(key="basemap").set_value("osm").run()
    at.button_group(key="lang").set_value("ar").run()
    assert not at.exception
    picker = at.selectbox(key="basemap")
    assert picker.value == "osm", "the basemap was reset when its labels changed language"
    assert picker.options == ["حدود بلا إنترنت", "خريطة OpenStreetMap", "Carto فاتحة",
                              "صور فضائية (Esri)"]
    assert at.query_params.get("map") in ("osm", ["osm"])
