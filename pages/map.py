"""Map page: events on a map of Syria, the claim ledger of the clicked event, stories and sharing.

Rerun behaviour: the base map is identical on every run, so st_folium keeps
the user's pan and zoom; only the event layer (``feature_group_to_add``)
changes. The view moves only when ``center``/``zoom`` change, i.e. on an
explicit action: Zoom to this event, a story step, a shared link. Each one
differs from the last, even to the same place (``ui.view_args``).
"Syria" and "Fit all" are buttons on the map itself (maplayers.ViewControl):
they act in the browser, with no script run.

Element order: the map is the first element the script sends. Its iframe,
Leaflet and the events then load in the browser while the header, the claim
panel and the sidebar are still being built and drawn (page open at 200,000
events, docs/performance.md). So the filters are read from session state
before the sidebar exists (``ui.current_filters``), the header is a container
reserved above the map and filled after it, and every action that changes
the map (the header's buttons, the story and event pickers) is a callback,
which runs before the script; a click on the map is read from session state
before anything is drawn.

Layout (issue 15): the map takes the screen's height (ui.layout.page_css sets its iframe to
``calc(100vh - ...)``), the event panel is a fixed container over the map's right side, and the
timeline (ui.timeline) sits under the map, writing the same ``f_dates`` state as the sidebar slider.
Events known only at country level are listed in the panel, not drawn (geo.country_only).
"""

import html

import pandas as pd
import streamlit as st

import ui
from conflictmap.geo import SYRIA_CENTER, SYRIA_ZOOM, in_view
from conflictmap.maplayers import BASEMAPS, POINT_LIMIT, event_layers
from conflictmap.stories import step_view, story_lengths, story_path
from conflictmap.viewstate import LANGUAGES
from ui.i18n import t, words
from ui.layout import page_css
from ui.timeline import timeline

PICK_LIMIT = 200

ui.require_entrypoint()
data = ui.dataset()
ss = st.session_state
ss.setdefault("view", (SYRIA_CENTER, SYRIA_ZOOM))
ss.setdefault("selected_event", None)
ss.setdefault("story", None)
ui.recall("lang", "en", allowed=LANGUAGES)  # also after a visit to another page
ui.apply_url_state(data)  # before any widget: a shared link restores its view once
# A click on the map: st_folium has stored what it returns under its key ("map") before this run started,
# so the clicked event is selected before the map and the ledger are drawn (no second run).
clicked = ((ss.get("map") or {}).get("last_active_drawing") or {}).get("properties", {}).get("id")
# The layer carries HTML-escaped ids (they are shown in tooltips); unescape is the exact inverse.
clicked = html.unescape(clicked) if isinstance(clicked, str) else None
if clicked and clicked != ss.get("last_click"):
    ss["last_click"] = clicked
    if (data.events["event_id"] == clicked).any():
        ss["selected_event"] = clicked
        ss["highlight_claim"] = None
# The sidebar is drawn after the map (below), from the same session state: see the module docstring.
filters = ui.current_filters(data)
selection = ui.selected_events(data, filters)  # apply_filters, kept per dataset and filters
local_assets = ui.map_assets_local()
present = bool(ss.get("present"))
lang = ss.get("lang") or "en"
basemap = ui.recall("basemap", ui.offline_default(), allowed=tuple(BASEMAPS))

# Drawn, listed beside the map (country level, never a dot), off the map's frame, without coordinates:
# worked out once per dataset and filters (ui.mapglue), not on every run of every visitor.
shown_on_map = ui.map_selection(data, filters, selection)
mapped, imprecise, off_map, unplaced = (shown_on_map.mapped, shown_on_map.imprecise, shown_on_map.off_map,
                                        shown_on_map.unplaced)


@ui.uninterrupted
def toggle_present() -> None:
    ss["present"] = not ss.get("present")


@ui.uninterrupted
def keep_lang() -> None:
    ui.recall("lang", "en", allowed=LANGUAGES)  # a second click on the chosen language unselects it: keep it chosen
    ui.keep("lang")


@ui.uninterrupted
def dismiss_notices() -> None:
    ss["_url_notices"] = []


@ui.uninterrupted
def pick_event(key: str) -> None:
    ss["selected_event"] = ss[key]
    ss["highlight_claim"] = None


@ui.uninterrupted
def pick_event_id(event_id: str) -> None:
    ss["selected_event"] = event_id
    ss["highlight_claim"] = None


@ui.uninterrupted
def close_event() -> None:
    ss["selected_event"] = None
    ss["highlight_claim"] = None


@ui.uninterrupted
def pick_story(key: str) -> None:
    story = ss[key]
    if story is None:
        ui.leave_story()
    elif story != ss.get("story"):
        ui.go_to_step(data, story, 1)


# The page's places, in order. The header is filled after the map so that the map's element reaches the
# browser first: its iframe, Leaflet and the events load while the rest of the page is still being drawn.
header = st.container()
left = st.container(key="cm_map")
story_bar = left.container(key="cm_story")  # a story's steps and caption, over the map (ui.layout.page_css)
# The event panel floats over the map's right-hand side (ui.layout.page_css): it never pushes the map down.
right = st.container(key="cm_panel")
story_on = bool(ss.get("story"))
st.html(page_css(present=present, story=story_on, lang=lang))

# --- the map -------------------------------------------------------------------------------------
with left:
    center, zoom = ss["view"]
    sent_center, sent_zoom = ui.view_args(center, zoom, ss.get("view_moves", 0))
    # Large selections are aggregated at low zoom and redrawn for the view the user left, which
    # st_folium stores under its key before the rerun starts.
    large = len(mapped) > POINT_LIMIT
    seen = ui.map_view(ss.get("map")) if large else None
    # The layer's script is kept per dataset under everything it depends on (ui.map_layer); the base map's
    # part of the component is built once per basemap, legend and language (ui.map_component: st_folium's
    # arguments, without re-rendering folium's templates on every run).
    layer_zoom = seen[1] if seen else zoom

    def build_layer():
        fg = event_layers(mapped, data.places, selected_id=ss["selected_event"], bounds=seen[0] if seen else None,
                          zoom=layer_zoom, story_path=story_path(data, ss["story"]) if ss.get("story") else None)
        return fg, (len(in_view(mapped, seen[0] if seen else None)) if large else 0)

    layer_key = (filters, ss["selected_event"], seen, layer_zoom if large else None, ss.get("story"))
    layer, in_view_n = ui.map_layer(data, layer_key, build_layer)
    ui.map_component(
        basemap, legend_scale=1.4 if present else 1.0, lang=lang,
        feature_group=layer,
        center=sent_center,
        zoom=sent_zoom,
        key="map",
        height=640 if present else 560,
        # center/zoom/bounds keep the shareable link current; a pan reruns the script but redraws nothing.
        returned_objects=["last_active_drawing", "last_object_clicked", "center", "zoom", "bounds",
                          *ui.map_click_objects()],  # an editor's click on an empty spot: New event here
    )
    # The timeline sets the sidebar slider's state (f_dates) in a callback: see ui.timeline.
    timeline(data, (filters.date_from, filters.date_to), lang, compact=present)
    # Notices go below the map: an element appearing or vanishing above it would not move the map's
    # iframe (the header is one container), but it would push the map down the screen.
    if len(off_map):
        abroad = data.places.loc[~data.places["country"].isin(["SY", ""])].set_index("place_id")["name_en"]
        names = ", ".join(sorted({abroad[p] for ids in off_map["place_list"] for p in ids if p in abroad.index}))
        st.info(t("map.off_map", n=len(off_map), names=ui.md_escape(names or t("map.outside_frame"))),
                icon=":material/open_in_full:")
    if not local_assets:
        st.caption(t("map.cdn"))
    if large and in_view_n > POINT_LIMIT:
        st.caption(t("map.grid", n=f"{len(mapped):,}", limit=f"{POINT_LIMIT:,}"))

# --- header: notices, title, top bar, stories ----------------------------------------------------
# Every action that moves the map is a callback: callbacks run before the script, so the map above is
# drawn with the view they set.
with header:
    if present:
        st.html(ui.PRESENTATION_CSS)
    notices = ss.get("_url_notices", [])
    if notices:  # escaped HTML, not Markdown: a link's values must never render as links or formatting
        st.button(t("map.dismiss_notice"), key="dismiss_notice", on_click=dismiss_notices)
        st.html('<div class="cm-notice" role="status" style="background:#fff4e5;border-left:4px solid #e69f00;'
                'padding:.4em .7em;font:14px sans-serif">' + "<br>".join(ui.escape(n) for n in notices) + "</div>")

    # One compact row: title and count, stories, basemap, language, presentation (the map needs the height).
    lengths = story_lengths(data)
    # Presenting, the count sits beside the title rather than under it: the map gets the height.
    top = st.columns([3.4, 2.4, 1.5, 1.3, 1] if not present else [3.2, 1.8, 2.4, 1.3, 1], vertical_alignment="center")
    count = (f"**{t('map.shown', n=len(selection), total=len(data.events))}**"
             + (t("map.unplaced_note", n=unplaced) if unplaced else ""))
    with top[0]:
        st.title(t("map.title"))
        if not present:
            st.markdown(count)
    if present:
        top[1].markdown(count)
        top = [top[0], *top[2:]]
    if lengths:
        titles = data.stories.set_index("story_id")
        options = [None, *lengths]
        story = ss.get("story") if ss.get("story") in options else None
        pick_key = f"story_pick_{story}_{lang}"  # a new widget when the language changes: its labels change
        top[1].selectbox(
            t("map.story"), options, index=options.index(story),
            format_func=lambda sid: t("map.stories") if sid is None else
            (titles.at[sid, "title_ar"] if lang == "ar" and titles.at[sid, "title_ar"]
             else titles.at[sid, "title_en"]),
            label_visibility="collapsed", key=pick_key, on_change=pick_story, args=(pick_key,))
    rest = top[2:]
    if not present:
        # Named in the reader's language: a keyed selectbox keeps its value when its option labels change
        # (Streamlit 1.67: the key alone is its identity).
        rest[0].selectbox(t("map.basemap"), list(BASEMAPS), format_func=words("basemap."), key="basemap",
                          label_visibility="collapsed", on_change=ui.keep, args=("basemap",),
                          help=t("map.basemap_help"))
        rest = rest[1:]
    rest[0].segmented_control("Language", list(LANGUAGES), key="lang", format_func={"en": "EN", "ar": "عربي"}.get,
                              on_change=keep_lang, label_visibility="collapsed", help=t("map.language_help"))
    rest[1].button(t("map.exit") if present else t("map.present"), icon=":material/slideshow:", width="stretch",
                   help=t("map.present_help"), on_click=toggle_present)

    if lengths and ss.get("story") in lengths:
        story = ss["story"]
        step = int(ss.get("story_step") or 1)
        n = lengths[story]
        # The story's bar floats over the map's top-left corner (ui.layout.page_css): the map keeps its height.
        with story_bar:
            s_cols = st.columns([1.2, 1, 1.2, 1], vertical_alignment="center")
            s_cols[0].button(t("map.back"), icon=":material/arrow_back:", disabled=step <= 1, shortcut="Left",
                             on_click=ui.go_to_step, args=(data, story, step - 1), width="stretch",
                             help=t("map.back_help"))
            s_cols[1].markdown(f"**{t('map.step', step=step, n=n)}**")
            s_cols[2].button(t("map.next"), icon=":material/arrow_forward:", disabled=step >= n, shortcut="Right",
                             on_click=ui.go_to_step, args=(data, story, step + 1), width="stretch",
                             help=t("map.next_help"))
            s_cols[3].button(t("map.close"), on_click=ui.leave_story, width="stretch")
            sv = step_view(data, story, step)
            en = f'<p class="cm-caption" style="font-size:1.05em;margin:0">{ui.escape(sv.caption_en)}</p>'
            ar = (f'<p class="cm-caption-ar" dir="rtl" lang="ar" style="font-size:1.05em;text-align:right;'
                  f'margin:0">{ui.escape(sv.caption_ar)}</p>') if sv.caption_ar else ""
            st.html(ar if lang == "ar" and ar else en)

with right:
    current = ss["selected_event"]
    row = ui.event_row(data, current)  # by an id index: no scan of every event id per run
    in_selection = not row.empty and row.index[0] in selection.index
    if current:
        # Key facts and the actions first; the full ledger below scrolls inside the panel.
        acts = st.columns(2)
        if not present and not row.empty and pd.notna(row.iloc[0]["lat"]):
            acts[0].button(t("map.zoom_to"), icon=":material/zoom_in:", on_click=ui.move_view,
                           args=((float(row.iloc[0]["lat"]), float(row.iloc[0]["lon"])), 10), width="stretch")
        acts[1].button(t("map.close_event"), icon=":material/close:", on_click=close_event, width="stretch")
    if not present:
        # The picker lists at most PICK_LIMIT events (the latest): every option is sent to the browser on
        # every run, and 200,000 of them are a megabyte per slider move.
        shown = selection.iloc[-PICK_LIMIT:]  # the selection is in date order: a slice, free at any size
        titles = ui.event_titles(shown if current is None or current in set(shown["event_id"])
                                 else pd.concat([row, shown]), lang)
        options = list(titles)
        # The id first: a long Arabic title is cut at its end (on the left), never at its start.
        st.selectbox(t("map.event"), options, index=options.index(current) if current in options else None,
                     format_func=lambda i: f"({i}) {titles[i]}" if lang == "ar" else f"{titles[i]} ({i})",
                     placeholder=t("map.pick_placeholder"),
                     key=f"pick_{current}", on_change=pick_event, args=(f"pick_{current}",))
        if len(selection) > PICK_LIMIT:
            st.caption(t("map.pick_limit", limit=f"{PICK_LIMIT:,}", n=f"{len(selection):,}"))
    if current:
        if not in_selection:
            st.caption(t("map.outside_filters"))
        st.html(ui.event_panel(data, current, highlight_claim=ss.get("highlight_claim"), lang=lang,
                               editor=ui.edit_mode() in ("local", "login")))  # event_panel_html, kept per dataset
        if not present:
            ui.edit_controls(data, current)  # History for everyone; Add a claim / Edit / Delete for an editor
    elif not present:
        st.caption(t("map.click_hint"))
    if not present:
        ui.new_event_here(data)  # after an editor's click on an empty spot of the map (ui/edit_map.py)
    if len(imprecise):
        with st.expander(t("map.imprecise", n=len(imprecise)), icon=":material/public:"):
            st.caption(t("map.imprecise_help"))
            for eid, title in ui.event_titles(imprecise, lang).items():
                st.button(title, key=f"imprecise_{eid}", on_click=pick_event_id, args=(eid,), width="stretch")

# --- the sidebar, drawn last from the state the map was drawn with ----------------------------------
drawn = ui.sidebar_filters(data)
if drawn != filters and ss.get("_refiltered") != drawn:  # not expected: current_filters reads the widgets' state
    ss["_refiltered"] = drawn  # once per value: never a rerun loop
    st.rerun()

# --- share and export -----------------------------------------------------------------------------
link = ui.sync_url(ui.current_view_state(filters, data))
if not present:
    share, export = st.columns(2)
    with share.popover(t("map.share"), icon=":material/link:", width="stretch"):
        st.caption(t("map.share_help"))
        st.code(link, language=None, wrap_lines=True)
    with export.popover(t("map.download"), icon=":material/download:", width="stretch"):
        ui.download_buttons(data, selection)
    ui.data_dir_caption(data)
