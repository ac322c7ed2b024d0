"""The events-over-time histogram beside the map."""

import re

import pandas as pd

from conflictmap.render import event_histogram, histogram_svg


def bars(svg: str) -> list[tuple[float, str]]:
    """(bar height, its <title>) for every bar, left to right."""
    return [(float(h), t) for h, t in re.findall(r'<rect class="cm-bar"[^>]* height="([\d.]+)"[^>]*><title>([^<]*)'
                                                  r'</title></rect>', svg)]


def test_months_with_no_events_show_as_empty_bars():
    dates = pd.Series(pd.to_datetime(["2018-06-03", "2018-06-04", "2018-09-01"] + ["2024-12-08"] * 5))
    counts, unit = event_histogram(dates)
    assert unit == "month"
    assert counts.sum() == len(dates)
    assert len(counts) == (2024 - 2018) * 12 + (12 - 6) + 1          # every month from June 2018 to Dec 2024
    drawn = bars(histogram_svg(counts, unit))
    assert len(drawn) == len(counts)
    assert drawn[0][1] == "Jun 2018: 2 events" and drawn[-1][1] == "Dec 2024: 5 events"
    assert drawn[1] == (0.0, "Jul 2018: 0 events")
    heights = [h for h, _ in drawn]
    assert max(heights) == heights[-1] and heights[0] == heights[-1] * 2 / 5   # heights are proportional


def test_a_short_span_is_counted_per_day():
    dates = pd.Series(pd.to_datetime(["2024-12-08", "2024-12-08", "2024-12-10"]))
    counts, unit = event_histogram(dates)
    assert unit == "day" and counts.tolist() == [2, 0, 1]
    svg = histogram_svg(counts, unit)
    assert [t for _, t in bars(svg)] == ["08 Dec 2024: 2 events", "09 Dec 2024: 0 events", "10 Dec 2024: 1 event"]
    assert "max 2" in svg


def test_no_dates_no_histogram():
    counts, unit = event_histogram(pd.Series([], dtype="datetime64[ns]"))
    assert histogram_svg(counts, unit) == ""


# --- source links: only http(s) and mailto become links -----------------------------------------------

def _panel_for_url(make_data, url: str) -> str:
    from conflictmap.load import load_dataset
    from conflictmap.render import event_panel_html
    from tests.conftest import claim, event, source

    data = load_dataset(make_data(events=[event("x1", "2018-06-03")], claims=[claim("c1", "x1", "SOHR", "asserts")],
                                  sources=[source(url=url)]))
    return event_panel_html(data, "x1")


def test_a_javascript_source_url_is_shown_as_text_in_the_claim_ledger(make_data):
    html = _panel_for_url(make_data, " JavaScript:window.__pwned=1")
    assert not re.search(r"<a [^>]*href", html), "the javascript: URL became a link"
    assert "JavaScript:window.__pwned=1" in html  # the reader still sees what the source row says


def test_a_web_source_url_is_a_link_in_the_claim_ledger(make_data):
    html = _panel_for_url(make_data, "https://example.org/report?id=1&x=2")
    assert re.findall(r'<a href="([^"]+)"', html) == ["https://example.org/report?id=1&amp;x=2"]


def test_the_sources_table_links_only_web_urls():
    from conflictmap.render import sources_table

    table = sources_table(pd.DataFrame({"row": [2, 3, 4], "source_id": ["a", "b", "c"],
                                        "url": ["https://example.org", "javascript:alert(1)", ""]}))
    assert table["url"].tolist()[0] == "https://example.org" and table["url"].isna().tolist() == [False, True, True]
    assert table["url_not_linked"].tolist() == ["", "javascript:alert(1)", ""]
    assert "row" not in table.columns


def test_no_comment_and_claims_of_responsibility_show_in_the_ledger(make_data):
    from conflictmap.load import load_dataset
    from conflictmap.render import event_panel_html
    from tests.conftest import claim, event

    data = load_dataset(make_data(events=[event("x1", "2018-06-03")],
                                  claims=[claim("c1", "x1", "Group A", "claims_responsibility"),
                                          claim("c2", "x1", "Ministry B", "no_comment")]))
    html = event_panel_html(data, "x1")
    assert "Claims responsibility" in html and "No comment" in html
    assert data.events.set_index("event_id").at["x1", "status"] == "single_source"  # no comment is no denial


def test_the_ledger_shows_every_payload_as_exactly_its_text(make_data):
    # Rendered from a Jinja template with our escaping as finalize: no value may become markup, and none may
    # be escaped twice (a reader would see "&amp;lt;" instead of "<").
    import html as html_lib
    from html.parser import HTMLParser

    from conflictmap.load import load_dataset
    from conflictmap.render import event_panel_html
    from tests.conftest import PAYLOAD, claim, event

    data = load_dataset(make_data(events=[event("x1", "2018-06-03", title_en=PAYLOAD, summary_en=PAYLOAD)],
                                  claims=[claim("c1", "x1", PAYLOAD, "asserts", quote_ar=PAYLOAD, quote_en=PAYLOAD,
                                                spokesperson=PAYLOAD, channel=PAYLOAD)]))
    page = event_panel_html(data, "x1")

    class Collect(HTMLParser):
        tags, text = [], ""

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

        def handle_data(self, d):
            self.text += d

    p = Collect(convert_charrefs=True)
    p.feed(page)
    assert not {"img", "script", "svg"} & set(p.tags)
    # title, summary, claimant, spokesperson, channel and both quotes: each shown exactly as written
    assert p.text.count(PAYLOAD) == 7
    assert PAYLOAD in html_lib.unescape(page.split('font-size:.85em">')[1].split("</div>")[0])
    assert "&amp;lt;" not in page and "&amp;#" not in page
