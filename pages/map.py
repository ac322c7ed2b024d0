"""Map page: events on a map of Syria, the timeline histogram, and the claim ledger of the clicked event."""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import ui
from conflictmap.maplayers import (
    BASEMAPS,
    POINT_LIMIT,
    SYRIA_CENTER,
    SYRIA_ZOOM,
    base_map,
    bounds_center_zoom,
    event_layers,
    in_view,
    map_view,
    outside_bounds,
)
from conflictmap.select import apply_filters

data = ui.dataset()
filters = ui.sidebar_filters(data)
selection = apply_filters(data, filters)
local_assets = ui.map_assets_local()

st.title("Conflict events and the claims about them")

# --- the view: only explicit actions move it; otherwise st_folium keeps the user's pan/zoom.
if "view" not in st.session_state:
    st.session_state["view"] = (SYRIA_CENTER, SYRIA_ZOOM)
if "selected_event" not in st.session_state:
    st.session_state["selected_event"] = None

mapped = selection[selection["lat"].notna()]
off_map = outside_bounds(mapped)
unplaced = len(selection) - len(mapped)

top = st.columns([3, 2, 2])
top[0].markdown(f"**{len(selection)} of {len(data.events)} events shown**"
                + (f" · {unplaced} without coordinates (see Places)" if unplaced else ""))
basemap = top[1].selectbox("Basemap", list(BASEMAPS), index=list(BASEMAPS).index(ui.offline_default()),
                           format_func=lambda k: BASEMAPS[k][0], key="basemap", label_visibility="collapsed",
                           help="Offline borders work with no internet; the tile layers need a connection.")
with top[2]:
    b1, b2 = st.columns(2)
    if b1.button("Syria", help="Re-centre on Syria", use_container_width=True):
        st.session_state["view"] = (SYRIA_CENTER, SYRIA_ZOOM)
    if b2.button("Fit all", help="Fit every shown event, including those outside Syria", use_container_width=True,
                 disabled=mapped.empty):
        st.session_state["view"] = bounds_center_zoom(mapped["lat"].tolist(), mapped["lon"].tolist())

if len(off_map):
    abroad = data.places.loc[~data.places["country"].isin(["SY", ""])].set_index("place_id")["name_en"]
    names = ", ".join(sorted({abroad[p] for ids in off_map["place_list"] for p in ids if p in abroad.index}))
    names = names or "outside the frame"
    st.info(f"{len(off_map)} shown event(s) lie outside the map of Syria ({names}). Their routes leave the frame "
            f"with an arrow; press **Fit all** to include them.", icon=":material/open_in_full:")

left, right = st.columns([3, 2], gap="medium")
with left:
    center, zoom = st.session_state["view"]
    # Large selections are aggregated at low zoom, so the map must report its view (each pan then reruns);
    # small ones never need it, and a pan costs nothing.
    large = len(mapped) > POINT_LIMIT
    # st_folium stores its last value under its key before the rerun starts: the view the user left.
    seen = map_view(st.session_state.get("map")) if large else None
    layer = event_layers(selection, data.places, selected_id=st.session_state["selected_event"],
                         bounds=seen[0] if seen else None, zoom=seen[1] if seen else zoom)
    out = st_folium(
        base_map(basemap),
        feature_group_to_add=layer,
        center=center,
        zoom=zoom,
        key="map",
        height=560,
        use_container_width=True,
        returned_objects=["last_active_drawing", "last_object_clicked"] + (["zoom", "bounds"] if large else []),
    )
    if large and len(in_view(mapped, seen[0] if seen else None)) > POINT_LIMIT:
        st.caption(f"{len(mapped):,} events: grouped into cells at this zoom (click a cell to zoom in). Individual "
                   f"events appear with fewer than {POINT_LIMIT:,} in view: zoom in or narrow the filters.")
    if not local_assets:
        st.caption("Map scripts are loaded from public CDNs (local copies not installed: "
                   "run `python -m conflictmap assets install`).")
    clicked = ((out or {}).get("last_active_drawing") or {}).get("properties", {}).get("id")
    if clicked and clicked != st.session_state.get("last_click"):
        st.session_state["last_click"] = clicked
        if clicked in set(data.events["event_id"]):
            st.session_state["selected_event"] = clicked
            st.rerun()

    # Histogram of the selection, by day for short windows and by month for long ones.
    if not selection.empty:
        span = (selection["date_start"].max() - selection["date_start"].min()).days
        freq = "D" if span <= 120 else "MS"
        counts = selection.groupby(selection["date_start"].dt.to_period("D" if freq == "D" else "M")).size()
        counts.index = counts.index.to_timestamp()
        st.bar_chart(counts.rename("events"), height=140, x_label=None, y_label="events")

with right:
    ids = selection["event_id"].tolist()
    titles = dict(zip(selection["event_id"], selection["title_en"], strict=True))
    current = st.session_state["selected_event"]
    options = ids if current in ids or current is None else [current, *ids]
    choice = st.selectbox("Event", options, index=options.index(current) if current in options else None,
                          format_func=lambda i: f"{titles.get(i, i)} ({i})",
                          placeholder="Click a marker or pick an event",
                          key=f"pick_{current}")
    if choice != current:
        st.session_state["selected_event"] = choice
        st.rerun()
    if current:
        if current not in ids:
            st.caption("This event is outside the current filters.")
        st.html(ui.event_panel_html(data, current))
        row = data.events[data.events["event_id"] == current]
        if not row.empty and pd.notna(row.iloc[0]["lat"]) and st.button("Zoom to this event"):
            st.session_state["view"] = ((float(row.iloc[0]["lat"]), float(row.iloc[0]["lon"])), 10)
            st.rerun()
    else:
        st.info("Click a marker (or a line) on the map to read who claimed, denied or only acknowledged the event.")

ui.data_dir_caption(data)
