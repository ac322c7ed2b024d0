"""The map page's layout: the map fills the screen's height, the event panel floats over it.

Streamlit has no "fill the viewport" option, so the page sets it in CSS: the map's iframe is
``calc(100vh - <what sits above and below it>)`` tall (and the Leaflet map inside it fills the iframe:
maplayers.MAP_CSS), the event panel (``st.container(key="cm_panel")``) is fixed to the right edge
with its own scroll bar. Direction: with Arabic chosen the whole app is right-to-left.
"""

from __future__ import annotations

# Pixels above and below the map that are not the map: the page's top padding, the header row and
# the timeline under the map (tests/browser/test_layout.py measures the result at 1366x768 and 1920x1080).
# A story's bar (its step buttons and caption) floats over the map's top-left corner instead of taking a row
# above it: a row of buttons and a two-line caption left the map 46% of a 1366x768 screen.
ABOVE = {"normal": 116, "present": 58}
BELOW = {"normal": 98, "present": 60}


def page_css(*, present: bool, story: bool, lang: str) -> str:
    """The page's layout CSS for this run."""
    mode = "present" if present else "normal"
    offset = ABOVE[mode] + BELOW[mode]
    side = "right"  # also in Arabic: Streamlit keeps the sidebar on the left, and the panel must not cover it
    css = f"""<style>
.block-container {{padding: {".4rem" if present else "3.3rem"} 1rem .3rem 1rem !important; max-width: 100% !important;}}
header[data-testid="stHeader"] {{background: transparent !important; height: 2.8rem !important;}}
.block-container h1 {{font-size: 1.3rem !important; padding: 0 !important; line-height: 1.2 !important;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis;}}
.block-container h1 + div, .block-container [data-testid="stHeadingWithActionElements"] {{margin: 0;}}
iframe[title="streamlit_folium.st_folium"] {{height: max(320px, calc(100vh - {offset}px)) !important;}}
{'[data-testid="stMain"] [data-testid="stVerticalBlock"] {gap: .25rem;}' if present else ''}
.st-key-cm_panel {{position: fixed; top: {ABOVE[mode]}px;
  {side}: 1.6rem; width: min(430px, 36vw); max-height: calc(100vh - {offset + 20}px);
  overflow-y: auto; z-index: 99; background: rgba(255,255,255,.97); padding: .5rem .7rem;
  border-radius: 8px; box-shadow: 0 2px 10px rgba(0,0,0,.25); gap: .4rem;}}
.st-key-cm_panel:not(:has(h4)) {{width: min(340px, 30vw);}}
"""
    # A story's bar (st.container(key="cm_story"), the first thing in the map's container) sits over the map's
    # top-left corner, clear of its zoom buttons and of the event panel on the right. Out of the flow also when
    # it is empty, so it never adds a gap above the map.
    css += (".st-key-cm_map {position: relative;} .st-key-cm_story {position: absolute; z-index: 98;}\n"
            # Streamlit wraps the container in a box of its own, which would still take a gap in the flow.
            '.st-key-cm_map > [data-testid="stLayoutWrapper"]:has(> .st-key-cm_story) {display: contents;}\n')
    if story:
        # Clear of the zoom buttons and of "Syria" / "Fit all" under them (wider in Arabic, and on a projector).
        left = (92 if lang == "ar" else 66) + (8 if present else 0)
        css += f"""
.st-key-cm_story {{top: 8px; left: {left}px; width: min(520px, calc(100% - {left}px - min(430px, 36vw) - 2.4rem));
  background: rgba(255,255,255,.95); padding: .35rem .6rem .45rem; border-radius: 8px;
  box-shadow: 0 1px 6px rgba(0,0,0,.3); gap: .3rem;}}
.st-key-cm_story [data-testid="stHorizontalBlock"] {{gap: .4rem;}}
.st-key-cm_story button {{min-height: 2rem; padding: 0 .5rem;}}
"""
    return css + "</style>"


RTL_CSS = """<style>
[data-testid="stMain"], [data-testid="stSidebar"], .st-key-cm_panel, [data-testid="stDataFrame"] {direction: rtl;}
[data-testid="stMain"] p, [data-testid="stMain"] :is(h1, h2, h3, h4, h5, h6), [data-testid="stSidebar"] p,
[data-testid="stSidebar"] h3, .st-key-cm_panel {text-align: right;}
[data-testid="stMain"] [data-testid="stHeadingWithActionElements"] {width: 100%;}
</style>"""
"""With Arabic chosen, every page runs right to left: the main area, the sidebar, panels and tables."""
