"""HTML for an event and its claim ledger, escaped throughout.

Used by the app's claim panel (through ``st.html``) and by the standalone HTML
export's popups. Every value from the data passes through
:func:`conflictmap.text.escape`; Arabic sits in ``dir="rtl" lang="ar"``
elements beside the English.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .claims import STANCE_LABELS, STATUS_COLOURS, STATUS_HELP, STATUS_LABELS, ledger
from .model import Dataset
from .text import escape, link_html, safe_url


def badge(text: str, colour: str) -> str:
    return (f'<span style="background:{colour};color:#fff;border-radius:4px;padding:1px 7px;'
            f'font-size:.8em;font-weight:600;white-space:nowrap">{escape(text)}</span>')


STANCE_COLOURS = {"asserts": "#0072B2", "claims_responsibility": "#004f7c", "denies": "#D55E00",
                  "acknowledges": "#8a6d00", "no_comment": "#6b6b6b"}


def fmt_date(value, precision: str = "day", inferred: bool = False) -> str:
    if pd.isna(value):
        return "date unknown"
    d = pd.Timestamp(value)
    text = {"day": f"{d:%d %b %Y}", "week": f"week of {d:%d %b %Y}", "month": f"{d:%B %Y}",
            "year": f"{d:%Y}"}.get(precision, f"{d:%d %b %Y}")
    return text + (" (inferred)" if inferred else "")


def event_panel_html(data: Dataset, event_id: str, *, highlight_claim: str | None = None, lang: str = "en") -> str:
    """The event's header and full claim ledger as escaped HTML.

    ``highlight_claim`` outlines one claim (a story step's "the denial");
    ``lang="ar"`` puts the Arabic title first.
    """
    rows = data.events[data.events["event_id"] == event_id]
    if rows.empty:
        return "<p>This event is not in the loaded data.</p>"
    e = rows.iloc[0]
    places = data.places.set_index("place_id")
    sources = data.sources.set_index("source_id")

    def place_line(pid: str) -> str:
        if pid not in places.index:
            return escape(pid)
        p = places.loc[pid]
        prec = "" if pd.isna(p["coord_precision_m"]) else f"±{int(p['coord_precision_m']):,} m"
        inferred = ", inferred" if p["coord_inferred"] else ""
        return (f'{escape(p["name_en"])} <span dir="rtl" lang="ar">{escape(p["name_ar"])}</span> '
                f'<small style="color:#666">({escape(p["coord_source"]) or "source not recorded"}; '
                f'{prec}{inferred})</small>')

    span = fmt_date(e["date_start"], e["date_precision"], e["date_inferred"])
    if e["date_end"] != e["date_start"]:
        span = f'{fmt_date(e["date_start"], e["date_precision"])} – {fmt_date(e["date_end"], e["date_precision"])}' + (
            " (inferred)" if e["date_inferred"] else "")
    fat = "not reported" if pd.isna(e["fatalities"]) else str(int(e["fatalities"]))
    relation = {"at": "at", "near": "near", "between": "between", "route": "route"}[e["place_relation"]]
    parts = [
        '<div style="font-family:sans-serif;line-height:1.45">',
        f'<div>{badge(STATUS_LABELS[e["status"]], STATUS_COLOURS[e["status"]])} '
        f'<small style="color:#555">{escape(STATUS_HELP[e["status"]])}</small></div>',
        *([f'<h3 dir="rtl" lang="ar" style="margin:.4em 0 .1em;text-align:right">{escape(e["title_ar"])}</h3>',
           f'<div style="font-size:1.05em">{escape(e["title_en"])}</div>']
          if lang == "ar" and e["title_ar"] else
          [f'<h3 style="margin:.4em 0 .1em">{escape(e["title_en"])}</h3>',
           f'<div dir="rtl" lang="ar" style="font-size:1.1em;text-align:right">{escape(e["title_ar"])}</div>']),
        f'<p style="margin:.4em 0"><b>When:</b> {escape(span)}<br>'
        f'<b>Where ({relation}):</b> {" → ".join(place_line(p) for p in e["place_list"])}'
        f'{("<br><i>" + escape(e["location_note"]) + "</i>") if e["location_note"] else ""}<br>'
        f'<b>Type:</b> {escape(e["event_type"])} / {escape(e["sub_event_type"])} · geo precision '
        f'{escape(e["geo_precision"])}<br>'
        f'<b>Actors:</b> {escape(e["actor1"]) or "—"}{(" vs " + escape(e["actor2"])) if e["actor2"] else ""}'
        f' · <b>Fatalities:</b> {fat}</p>',
    ]
    if e["summary_en"] or e["summary_ar"]:
        parts.append(f'<p style="margin:.3em 0">{escape(e["summary_en"])}</p>')
        if e["summary_ar"]:
            parts.append(f'<p dir="rtl" lang="ar" style="text-align:right;margin:.3em 0">{escape(e["summary_ar"])}</p>')
    if e["notes"]:
        parts.append(f'<p style="color:#555;font-size:.9em"><b>Provenance:</b> {escape(e["notes"])}</p>')
    claims = ledger(data.claims, event_id)
    parts.append(f'<h4 style="margin:.6em 0 .2em">Claim ledger ({len(claims)})</h4>')
    if claims.empty:
        parts.append("<p>No claims on record.</p>")
    for _, c in claims.iterrows():
        who = escape(c["claimant"])
        if c["claimant_ar"]:
            who += f' <span dir="rtl" lang="ar">{escape(c["claimant_ar"])}</span>'
        meta = [escape(c["claimant_kind"].replace("_", " "))]
        if c["spokesperson"]:
            meta.append(escape(c["spokesperson"]))
        if c["channel"]:
            meta.append(escape(c["channel"]))
        meta.append(escape(fmt_date(c["claim_date"], c["claim_date_precision"], c["claim_date_inferred"])))
        src = sources.loc[c["source_id"]] if c["source_id"] in sources.index else None
        if src is not None:
            published = fmt_date(src["published"], src["published_precision"], src["published_inferred"])
            src_html = (f'{escape(src["outlet"])}, <span dir="auto">“{escape(src["title"])}”</span> '
                        f'({escape(published)})')
            if src["url"]:
                src_html += " " + link_html(src["url"])
        else:
            src_html = escape(c["source_id"])
        parts.append(
            '<div class="cm-claim{hl}" style="border-left:4px solid {col};padding:.3em .6em;margin:.5em 0;'
            'background:{bg};{outline}">'.format(
                col=STANCE_COLOURS[c["stance"]],
                hl=" cm-highlight" if c["claim_id"] == highlight_claim else "",
                bg="#fff8dc" if c["claim_id"] == highlight_claim else "#fafafa",
                outline="outline:2px solid #5b2a86" if c["claim_id"] == highlight_claim else "")
            + f'<div>{badge(STANCE_LABELS[c["stance"]], STANCE_COLOURS[c["stance"]])} <b>{who}</b></div>'
            + f'<div style="color:#555;font-size:.85em">{" · ".join(meta)}</div>'
            + (f'<div style="margin:.2em 0">{badge("Attributed / unverified", "#777")}</div>'
               if c["attributed"] else "")
            + (f'<blockquote class="cm-quote-ar" dir="rtl" lang="ar" style="margin:.3em 0;padding:.2em .5em;'
               f'border-right:3px solid #bbb;text-align:right;font-size:1.08em">{escape(c["quote_ar"])}</blockquote>'
               if c["quote_ar"] else "")
            + (f'<blockquote class="cm-quote-en" lang="en" style="margin:.3em 0;padding:.2em .5em;'
               f'border-left:3px solid #ddd;font-style:italic">{escape(c["quote_en"])}</blockquote>'
               if c["quote_en"] else "")
            + f'<div style="font-size:.8em;color:#555">Source: {src_html}</div>'
            + (f'<div style="font-size:.8em;color:#777">{escape(c["notes"])}</div>' if c["notes"] else "")
            + "</div>"
        )
    parts.append("</div>")
    return "".join(parts)


def event_histogram(dates: pd.Series) -> tuple[pd.Series, str]:
    """Events per day (spans up to 120 days) or per month: (counts indexed by period start, "day"/"month")."""
    dates = dates.dropna()
    if dates.empty:
        return pd.Series(dtype=int), "day"
    unit = "day" if (dates.max() - dates.min()).days <= 120 else "month"
    code = "D" if unit == "day" else "M"
    periods, n = np.unique(dates.to_numpy("datetime64[ns]").astype(f"datetime64[{code}]"), return_counts=True)
    full = np.arange(periods[0], periods[-1] + 1)  # empty periods show as gaps, not as nothing
    counts = pd.Series(0, index=full, dtype=int)
    counts[periods] = n
    counts.index = pd.DatetimeIndex(full.astype("datetime64[ns]"))
    return counts, unit


def histogram_svg(counts: pd.Series, unit: str, *, height: int = 110, colour: str = "#4c78a8") -> str:
    """The events-over-time bars as a small inline SVG (no chart library to load: the page opens faster).

    Each bar has a ``<title>`` ("Mar 2024: 1,234 events") for hover and screen
    readers; the first and last period and the tallest count label the axes.
    Only numbers and dates reach the markup.
    """
    if counts.empty:
        return ""
    n, top = len(counts), max(int(counts.max()), 1)
    fmt = "%d %b %Y" if unit == "day" else "%b %Y"
    width, plot_h = 1000, height - 18
    bar_w = width / n
    bars = []
    for i, (when, k) in enumerate(counts.items()):
        h = 0 if k == 0 else max(plot_h * int(k) / top, 1.5)
        label = f"{when:{fmt}}: {int(k):,} event{'s' * (int(k) != 1)}"
        bars.append(f'<rect class="cm-bar" x="{i * bar_w:.2f}" y="{plot_h - h:.2f}" width="{max(bar_w - 1, 0.6):.2f}" '
                    f'height="{h:.2f}" fill="{colour}"><title>{escape(label)}</title></rect>')
    first, last = f"{counts.index[0]:{fmt}}", f"{counts.index[-1]:{fmt}}"
    return (f'<figure class="cm-histogram" style="margin:0" aria-label="Events per {unit}, {escape(first)} to '
            f'{escape(last)}; at most {top:,} in one {unit}">'
            f'<div style="display:flex;justify-content:space-between;font:12px sans-serif;color:#555">'
            f'<span>events per {unit}</span><span>max {top:,}</span></div>'
            f'<svg viewBox="0 0 {width} {plot_h}" preserveAspectRatio="none" width="100%" height="{plot_h}" '
            f'role="img" style="display:block;background:#fafafa">{"".join(bars)}</svg>'
            f'<div style="display:flex;justify-content:space-between;font:12px sans-serif;color:#555">'
            f'<span>{escape(first)}</span><span>{escape(last)}</span></div></figure>')


def sources_table(sources: pd.DataFrame) -> pd.DataFrame:
    """The sources as a table to show: ``url`` holds only links :func:`~conflictmap.text.safe_url` allows;
    any other value moves to ``url_not_linked``, shown as text, so a ``javascript:`` URL can never be clicked."""
    table = sources.drop(columns=["row"], errors="ignore").copy()
    safe = table["url"].map(safe_url)
    table["url_not_linked"] = table["url"].where(safe.isna() & (table["url"] != ""), "")
    table["url"] = safe
    return table
