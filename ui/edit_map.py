"""Places chosen by a click on the map, for an editor: "New event here" on the map page, and a small map in the
place form of the Edit the ledger page where a click sets the coordinate.

A click's coordinate records where it came from ("clicked on the map by <editor> (zoom N)") and how precise it
is (the ground width of a few screen pixels at that zoom: :func:`conflictmap.editing.click_precision_m`). On the
map page a click on an empty spot (not on an event: st_folium reports a layer's click as ``last_object_clicked``
with the same coordinate) offers the nearest gazetteer place within a sensible radius
(:func:`conflictmap.editing.nearest_place`), or a new place at the click; either way the event form opens with
the place filled in. Every write goes through the store (history, Revert), and with editing off nothing here is
shown: the map page does not even ask st_folium for clicks.
"""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from conflictmap.editing import click_precision_m, clicked_place_values, nearest_place
from conflictmap.geo import SYRIA_CENTER
from conflictmap.store import StoreError
from conflictmap.text import escape

from .data import editor, live_store, offline_default
from .edit import _free_id, prefix, row_form
from .i18n import t
from .mapglue import app_base_map
from .state import uninterrupted
from .text import md_escape

ss = st.session_state
HERE, SEEN, OPEN = "_here", "_here_seen", "_here_open"
NEW_PLACE = "__new_place__"
KINDS = ("village", "town", "city", "base", "airbase")


def click_objects() -> list[str]:
    """What the map page asks st_folium for besides its own objects: the last click, only for an editor."""
    return ["last_clicked"] if editor() is not None and live_store() is not None else []


def _new_click(state: dict | None, seen_key: str) -> dict | None:
    """The map's last click when it is new and on an empty spot (not on a layer), else None."""
    state = state or {}
    click = state.get("last_clicked")
    if not click or click.get("lat") is None or click == state.get("last_object_clicked") or click == ss.get(seen_key):
        return None
    ss[seen_key] = click
    return {"lat": float(click["lat"]), "lon": float(click["lng"]), "zoom": float(state.get("zoom") or 6)}


# --- the map page: "New event here" --------------------------------------------------------------------------

def _event_prefix() -> str:
    return prefix("events", None)


@uninterrupted
def _open(place_id: str, relation: str, precision: str) -> None:
    """Open the event form with the place filled in (keeping whatever was already typed into it)."""
    p = _event_prefix()
    values = {"place_ids": [place_id], "place_relation": relation, "geo_precision": precision}
    if f"{p}__rev" in ss:  # the form is loaded: only the place changes
        for col, v in values.items():
            ss[f"{p}_{col}"] = v
    ss[OPEN] = {"defaults": {"place_ids": place_id, "place_relation": relation, "geo_precision": precision,
                             "date_precision": "day"},
                "generation": int(ss.get("_ed_gen", 0))}


@uninterrupted
def _create_place(here: dict) -> None:
    who = editor()
    if who is None:
        ss["_here_error"] = t("edit.off_nothing_saved")
        return
    values = {"name_en": (ss.get("_here_name_en") or "").strip(), "name_ar": (ss.get("_here_name_ar") or "").strip(),
              "kind": ss.get("_here_kind") or "village", "country": "SY",
              **clicked_place_values(here["lat"], here["lon"], here["zoom"], who)}
    try:
        values["place_id"] = _free_id("places", values)
        change = live_store().create("places", values, who=who, reason=t("edit.here_reason"))
    except StoreError as exc:
        ss["_here_error"] = str(exc)
        return
    ss.pop("_here_error", None)
    _open(change.row_id, "at", "1")


@uninterrupted
def _dismiss() -> None:
    ss.pop(HERE, None)
    ss.pop(OPEN, None)


def new_event_here(data) -> None:
    """Under the map page's event panel: after a click on an empty spot of the map, offer "New event here"."""
    if editor() is None or live_store() is None:
        return
    click = _new_click(ss.get("map"), SEEN)
    if click is not None:
        ss[HERE] = click
        ss.pop(OPEN, None)
    here = ss.get(HERE)
    if not here:
        return
    opened = ss.get(OPEN)
    if opened and opened["generation"] != int(ss.get("_ed_gen", 0)):  # saved or discarded since: done
        _dismiss()
        return
    lat, lon, zoom = here["lat"], here["lon"], here["zoom"]
    precision = click_precision_m(zoom, lat)
    near = nearest_place(data.places, lat, lon, precision)
    names = data.places.set_index("place_id")["name_en"]
    with st.container(border=True, key="cm_new_here"):
        st.markdown(f"**{t('edit.here_title')}** · {lat:.5f}, {lon:.5f} (±{precision:,} m)")
        if err := ss.get("_here_error"):
            st.error(md_escape(err), icon=":material/error:")
        options = ([near[0]] if near else []) + [NEW_PLACE]
        choice = st.radio(t("edit.here_place"), options, key=f"_here_choice_{lat:.5f}_{lon:.5f}",
                          format_func=lambda o: t("edit.here_new_place") if o == NEW_PLACE else
                          t("edit.here_nearest", name=names.get(o, o), km=f"{near[1] / 1000:.1f}"))
        if choice == NEW_PLACE:
            st.text_input(t("edit.here_name_en"), key="_here_name_en")
            with st.container(key="rtl-_here_name_ar"):
                st.text_input(t("edit.here_name_ar"), key="_here_name_ar")
            st.selectbox(t("edit.here_kind"), KINDS, key="_here_kind")
            st.caption(t("edit.here_provenance", precision=f"{precision:,}"))
            st.button(t("edit.here_create"), type="primary", key="_here_create", on_click=_create_place,
                      args=(here,), disabled=not (ss.get("_here_name_en") or "").strip())
        else:
            relation, geo = ("at", "1") if near[1] <= max(precision, 1000) else ("near", "2")
            st.button(t("edit.here_new_event"), type="primary", key="_here_event", on_click=_open,
                      args=(choice, relation, geo))
        st.button(t("edit.here_dismiss"), key="_here_dismiss", on_click=_dismiss)
        if ss.get(OPEN):
            row_form(data, "events", None, defaults=ss[OPEN]["defaults"], selects_event=True)


# --- the place form: a click sets the coordinate -------------------------------------------------------------

def _float(text) -> float | None:
    try:
        return float(str(text).strip())
    except (TypeError, ValueError):
        return None


def place_map_picker(data, row_id: str | None) -> None:
    """A small map above a place's form: a click sets its lat/lon, with the click's provenance and precision."""
    who = editor()
    if who is None or live_store() is None:
        return
    p = prefix("places", row_id)
    key = f"{p}__map"
    click = _new_click(ss.get(key), f"{p}__seen")
    if click is not None and f"{p}__rev" in ss:  # the form is loaded: its widgets are drawn after this
        values = clicked_place_values(click["lat"], click["lon"], click["zoom"], who)
        for col, v in values.items():
            ss[f"{p}_{col}"] = (v == "true") if col == "coord_inferred" else v
    lat, lon = _float(ss.get(f"{p}_lat")), _float(ss.get(f"{p}_lon"))
    with st.expander(t("edit.pick_on_map"), expanded=click is not None, icon=":material/add_location:"):
        st.caption(t("edit.pick_on_map_help"))
        marker = folium.FeatureGroup(name="place", control=False)
        marker._id = "picked"
        if lat is not None and lon is not None:
            folium.Marker((lat, lon), tooltip=escape(ss.get(f"{p}_name_en") or "")).add_to(marker)
        start = ss.setdefault(f"{p}__start", ((lat, lon), 10) if lat is not None and lon is not None
                              else (SYRIA_CENTER, 6))
        st_folium(app_base_map(offline_default(), legend=False, view_buttons=False), feature_group_to_add=marker,
                  center=start[0], zoom=start[1], key=key, height=320, use_container_width=True,
                  returned_objects=["last_clicked", "last_object_clicked", "zoom"])



@uninterrupted
def _add_clicked_place(p: str, place_id: str) -> None:
    ss[f"{p}_place_ids"] = [*[x for x in ss.get(f"{p}_place_ids") or [] if x != place_id], place_id]


def event_place_picker(data, row_id: str | None) -> None:
    """A small map above an event's form: a click finds the nearest gazetteer place (as New event here does) and
    offers to add it to the event's places. A spot with no place near it is added as a new place first."""
    if editor() is None or live_store() is None:
        return
    p = prefix("events", row_id)
    key = f"{p}__map"
    click = _new_click(ss.get(key), f"{p}__seen")
    if click is not None:
        near = nearest_place(data.places, click["lat"], click["lon"], click_precision_m(click["zoom"], click["lat"]))
        ss[f"{p}__near"] = near[0] if near else ""
    with st.expander(t("edit.pick_event_place"), expanded=click is not None, icon=":material/add_location:"):
        picked = folium.FeatureGroup(name="places", control=False)
        picked._id = "event_places"
        coords = data.places.set_index("place_id")[["lat", "lon", "name_en"]].dropna(subset=["lat", "lon"])
        for pid in ss.get(f"{p}_place_ids") or []:
            if pid in coords.index:
                folium.Marker((float(coords.at[pid, "lat"]), float(coords.at[pid, "lon"])),
                              tooltip=escape(str(coords.at[pid, "name_en"]))).add_to(picked)
        st_folium(app_base_map(offline_default(), legend=False, view_buttons=False), feature_group_to_add=picked,
                  center=SYRIA_CENTER, zoom=6, key=key, height=300, use_container_width=True,
                  returned_objects=["last_clicked", "last_object_clicked", "zoom"])
        near = ss.get(f"{p}__near")
        if near and near in coords.index:
            st.button(md_escape(t("edit.add_place_to_event", name=coords.at[near, "name_en"], place_id=near)),
                      key=f"{p}__map_add", on_click=_add_clicked_place, args=(p, near))
        elif near == "":
            st.caption(t("edit.no_place_near_click"))
