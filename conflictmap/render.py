"""HTML for an event and its claim ledger, escaped throughout.

Used by the app's claim panel (through ``st.html``) and by the standalone HTML
export's popups. Every value from the data passes through
:func:`conflictmap.text.escape`; Arabic sits in ``dir="rtl" lang="ar"``
elements beside the English.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .claims import STATUS_COLOURS, ledger
from .i18n import CATALOGUE, label, t
from .model import Dataset
from .text import escape, link_html, safe_url


def badge(text: str, colour: str) -> Markup:
    """A coloured label; both values escaped here, so the result may be marked safe."""
    return Markup(  # noqa: S704
        f'<span style="background:{escape(colour)};color:#fff;border-radius:4px;padding:1px 7px;'
        f'font-size:.8em;font-weight:600;white-space:nowrap">{escape(text)}</span>')


def _escape_all(value: object) -> object:
    """Jinja's finalize: every value not marked Markup goes through :func:`conflictmap.text.escape`, which
    also breaks backticks and ``$`` (the ledger HTML travels into JavaScript in the export)."""
    return value if isinstance(value, Markup) else Markup(escape(value))  # noqa: S704  (escaped just now)


# autoescape on as a second guard; finalize applies our stricter escaping first and marks the result safe.
_ENV = Environment(loader=PackageLoader("conflictmap", "templates"), autoescape=select_autoescape(["html"]),
                   finalize=_escape_all, undefined=StrictUndefined, keep_trailing_newline=False)


STANCE_COLOURS = {"asserts": "#0072B2", "claims_responsibility": "#004f7c", "denies": "#D55E00",
                  "acknowledges": "#8a6d00", "no_comment": "#6b6b6b"}


def fmt_date(value, precision: str = "day", inferred: bool = False, lang: str = "en") -> str:
    """A date as a reader says it, to its ``precision``; Arabic month names with ``lang="ar"`` (Western digits,
    as on the rest of the page)."""
    if pd.isna(value):
        return t("date.unknown", lang)
    d = pd.Timestamp(value)
    if lang == "ar":
        month = t(f"month.{d.month}", lang)
        day = f"{d.day} {month} {d:%Y}"
        text = {"day": day, "week": t("date.week", lang, date=day), "month": f"{month} {d:%Y}",
                "year": f"{d:%Y}"}.get(precision, day)
    else:  # English keeps the layout the ledger always had ("03 Jun 2018")
        text = {"day": f"{d:%d %b %Y}", "week": t("date.week", lang, date=f"{d:%d %b %Y}"), "month": f"{d:%B %Y}",
                "year": f"{d:%Y}"}.get(precision, f"{d:%d %b %Y}")
    return text + (t("date.inferred", lang) if inferred else "")


def event_panel_html(data: Dataset, event_id: str, *, highlight_claim: str | None = None, lang: str = "en",
                     editor: bool = True) -> str:
    """The event's header and full claim ledger as escaped HTML (``templates/event_panel.html``).

    ``highlight_claim`` outlines one claim (a story step's "the denial");
    ``lang="ar"`` puts the Arabic title first, renders every label in Arabic (the message catalogue,
    :mod:`conflictmap.i18n`) and lays the panel out right to left; data keeps its own columns. Readers see
    the event's reader notes (``notes_public``); ``editor=True`` adds the curation notes (``notes``:
    provenance, inferences, research files).
    """
    rows = data.events[data.events["event_id"] == event_id]
    if rows.empty:
        return f"<p>{escape(t('ledger.missing', lang))}</p>"
    e = rows.iloc[0]
    places = data.places.set_index("place_id")
    sources = data.sources.set_index("source_id")

    def place(pid: str) -> dict:
        if pid not in places.index:
            return {"name_en": pid, "name_ar": "", "source": t("ledger.not_in_gazetteer", lang), "precision": "",
                    "inferred": False}
        p = places.loc[pid]
        return {"name_en": p["name_en"], "name_ar": p["name_ar"], "source": p["coord_source"],
                "precision": "" if pd.isna(p["coord_precision_m"])
                else t("ledger.metres", lang, m=f"{int(p['coord_precision_m']):,}"),
                "inferred": bool(p["coord_inferred"])}

    when = fmt_date(e["date_start"], e["date_precision"], e["date_inferred"], lang)
    if e["date_end"] != e["date_start"]:
        when = (f'{fmt_date(e["date_start"], e["date_precision"], lang=lang)} – '
                f'{fmt_date(e["date_end"], e["date_precision"], lang=lang)}'
                + (t("date.inferred", lang) if e["date_inferred"] else ""))

    def claim(c) -> dict:
        kind = t(f"kind.{c['claimant_kind']}", lang) if f"kind.{c['claimant_kind']}" in CATALOGUE["en"] \
            else c["claimant_kind"].replace("_", " ")
        meta = [kind] + [c[k] for k in ("spokesperson", "channel") if c[k]]
        meta.append(fmt_date(c["claim_date"], c["claim_date_precision"], c["claim_date_inferred"], lang))
        meta = [Markup(escape(m)) for m in meta]  # noqa: S704  (escaped here; the template joins them)
        src = None
        if c["source_id"] in sources.index:
            s = sources.loc[c["source_id"]]
            src = {"outlet": s["outlet"], "title": s["title"],
                   "published": fmt_date(s["published"], s["published_precision"], s["published_inferred"], lang),
                   "link": Markup(link_html(s["url"])) if s["url"] else ""}  # noqa: S704  (link_html escapes)
        return {**c.to_dict(), "colour": STANCE_COLOURS[c["stance"]], "stance_label": t(f"stance.{c['stance']}", lang),
                "meta": meta, "source": src, "highlight": c["claim_id"] == highlight_claim}

    claims = ledger(data.claims, event_id)
    geo = str(e["geo_precision"]).strip()
    labels = {"when": t("ledger.when", lang), "type": t("ledger.type", lang), "actors": t("ledger.actors", lang),
              "vs": t("ledger.vs", lang), "fatalities": t("ledger.fatalities", lang), "note": t("ledger.note", lang),
              "curation": t("ledger.curation", lang), "none": t("ledger.none", lang),
              "attributed": t("ledger.attributed", lang), "source": t("ledger.source", lang),
              "source_not_recorded": t("ledger.source_not_recorded", lang),
              "inferred": t("ledger.inferred", lang)}
    return _ENV.get_template("event_panel.html").render(
        e=e.to_dict(), lang=lang, editor=editor, badge=badge, places=[place(p) for p in e["place_list"]], when=when,
        label=labels, where=t("ledger.where", lang, relation=t(f"relation.{e['place_relation']}", lang)),
        heading=t("ledger.heading", lang, n=len(claims)),
        geo=t(f"geo.{geo}", lang) if f"geo.{geo}" in CATALOGUE["en"] else t("ledger.geo_precision", lang, n=geo),
        event_type=label("etype", e["event_type"], lang), sub_event_type=label("subtype", e["sub_event_type"], lang),
        status_label=t(f"status.{e['status']}", lang), status_colour=STATUS_COLOURS[e["status"]],
        status_help=t(f"status_help.{e['status']}", lang),
        fatalities=t("ledger.not_reported", lang) if pd.isna(e["fatalities"]) else f"{int(e['fatalities']):,}",
        claims=[claim(c) for _, c in claims.iterrows()])


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
