"""Text for the page: Markdown escaping, presentation CSS, titles in the page's language."""

from __future__ import annotations

import re

import pandas as pd

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$])")


def md_escape(text: object) -> str:
    """Untrusted text for widgets that render Markdown (st.toast, st.info): every Markdown character
    backslash-escaped, so a name or URL parameter can never become a link or formatting."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


PRESENTATION_CSS = """<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"] {display: none !important;}
.block-container {padding-top: 1rem !important; max-width: 100% !important;}
.stMarkdown p, .stMarkdown li, .cm-claim, .stCaption {font-size: 1.25rem !important;}
h1 {font-size: 2.1rem !important;}
</style>"""


def event_titles(events: pd.DataFrame, lang: str) -> dict[str, str]:
    """event_id -> title in the page's language (English where the Arabic title is empty), in row order."""
    col = "title_ar" if lang == "ar" else "title_en"
    return dict(zip(events["event_id"], events[col].where(events[col] != "", events["title_en"]), strict=True))
