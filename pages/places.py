"""Places page: the gazetteer with each coordinate's provenance and precision, a map of the places,
geocoding of missing places on demand, and the distances between the places of multi-place events.

Rerun behaviour worth knowing:

* Geocoding runs only when its button is pressed, below the map, so the map
  has already been sent when the (possibly slow, rate-limited) lookups start;
  the results are kept in ``st.session_state`` and the page reruns to show them.
* Nothing is written until "Save" is pressed; each chosen coordinate is then one change through the
  store (``ui.edit_places``: in the history, revertible, refused if the row changed since the lookup),
  and ``ui.dataset()`` patches it in on the next run.
  Geocoding and saving are shown only to someone who may write (``ui.editor()``),
  and the save refuses if reached without one.
* The map is ``st_folium`` with ``returned_objects=[]``: panning and zooming
  never rerun the script.
"""

from __future__ import annotations

import hashlib
import os

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import ui
from conflictmap import geocode, schema
from conflictmap.load import default_data_dir
from conflictmap.text import escape
from ui.edit_places import place_revisions, save_geocoded

md = ui.md_escape  # every label below that carries data renders Markdown: escape it

ui.require_entrypoint()
data = ui.dataset()
local_assets = ui.map_assets_local()
places = data.places

st.title("Places")
st.caption("The gazetteer (geodata/places.csv): every place events refer to, where its coordinate came from, "
           "and how precise it is.")

# --- the gazetteer table -------------------------------------------------------------------
COLUMNS = ["place_id", "name_en", "name_ar", "kind", "lat", "lon", "coord_precision_m", "coord_source",
           "coord_inferred", "geonames_id", "admin1", "country", "alt_names", "notes"]
st.dataframe(
    places[COLUMNS], hide_index=True, width="stretch", height=min(420, 38 + 35 * max(len(places), 1)),
    column_config={
        "place_id": st.column_config.TextColumn("id"),
        "coord_precision_m": st.column_config.NumberColumn("precision (m)", format="±%d",
                                                           help="Radius within which the true location lies"),
        "coord_source": st.column_config.TextColumn("coordinate source", width="medium"),
        "coord_inferred": st.column_config.CheckboxColumn("inferred",
                                                          help="Worked out rather than looked up: see notes"),
        "geonames_id": st.column_config.NumberColumn("GeoNames", format="%d"),
        "lat": st.column_config.NumberColumn("lat", format="%.5f"),
        "lon": st.column_config.NumberColumn("lon", format="%.5f"),
    },
)


# --- the map -----------------------------------------------------------------------------------
def places_layer(places: pd.DataFrame) -> folium.FeatureGroup:
    """One marker per place and a dashed circle for its precision; every string escaped before it reaches the map."""
    fg = folium.FeatureGroup(name="Places", control=False)
    fg._id = "places"
    for p in places.itertuples(index=False):
        if pd.isna(p.lat) or pd.isna(p.lon):
            continue
        precision = None if pd.isna(p.coord_precision_m) else int(p.coord_precision_m)
        colour = "#d95f02" if p.coord_inferred else "#1b7837"
        if precision and precision <= 50_000:  # a country-sized circle would hide everything else
            folium.Circle((p.lat, p.lon), radius=precision, color=colour, weight=1, dash_array="4 4", fill=True,
                          fill_opacity=0.06).add_to(fg)
        prec = f"±{precision:,} m" if precision else "precision unknown"
        tip = (f"<b>{escape(p.name_en)}</b> {escape(p.name_ar)}<br>{escape(p.kind)} · {prec}"
               f"{' · inferred' if p.coord_inferred else ''}<br>{escape(p.coord_source) or 'source not recorded'}")
        folium.CircleMarker((p.lat, p.lon), radius=6, color="#222", weight=1, fill=True, fill_color=colour,
                            fill_opacity=0.9, tooltip=folium.Tooltip(tip)).add_to(fg)
    return fg


mapped = places[places["lat"].notna() & places["lon"].notna()]
st.markdown(f"**{len(mapped)} of {len(places)} places on the map.** Green: looked up; orange: inferred. "
            "The dashed circle is the stated precision.")
st_folium(ui.app_base_map(ui.offline_default(), legend=False, view_buttons=False),
          feature_group_to_add=places_layer(places), key="places_map", height=460, use_container_width=True,
          returned_objects=[])
if not local_assets:
    st.caption("Map scripts are loaded from public CDNs (local copies not installed: "
               "run `python -m conflictmap assets install`).")


# --- geocoding missing places, on demand ---------------------------------------------------------
st.subheader("Geocode missing places")
data_dir = data.data_dir or default_data_dir()
places_path = data_dir / schema.PLACES.path


def places_signature() -> str:
    """What the results were computed against: saving is refused if places.csv changed meanwhile."""
    return hashlib.sha256(places_path.read_bytes()).hexdigest() if places_path.exists() else ""


places_file = geocode.PlacesFile.read(places_path)
tasks = geocode.places_to_geocode(places_file, geocode.referenced_place_ids(data_dir / schema.EVENTS.path))
run = st.session_state.get("gc_run")
if run and run["signature"] != places_signature():
    st.session_state.pop("gc_run")
    run = None
if flash := st.session_state.pop("gc_flash", None):
    st.success(flash)

may_write = ui.editor() is not None  # off (or a visitor not signed in as an editor): nothing here writes
if not tasks:
    st.success("Every place in places.csv, and every place events.csv refers to, has coordinates.")
elif not may_write:
    st.caption(f"{len(tasks)} place(s) lack coordinates. Geocoding them saves to places.csv, which only an "
               "editor may do (CONFLICTMAP_EDIT).")
else:
    missing = pd.DataFrame([{"id": t.place_id, "names": " / ".join(t.names),
                             "in places.csv": t.row is not None} for t in tasks])
    st.markdown(f"**{len(tasks)} place(s) lack coordinates.** They are looked up in the gazetteer, then GeoNames "
                "(offline), then, if you allow it, an online geocoder.")
    st.dataframe(missing, hide_index=True, width="stretch")
    env_url = os.environ.get(geocode.GEOCODER_URL_ENV, "").strip()
    service = env_url or geocode.DEFAULT_SERVICE_URL
    use_online = st.toggle(
        f"Also ask the online geocoder ({service})", value=False, key="gc_online",
        help="At most one request a second, shared by every user of this app; every answer is cached in "
             "geodata/geocode-cache.json. "
             + ("" if env_url else f"Set {geocode.GEOCODER_URL_ENV} to use your own Nominatim instead of the "
                                   "public one, which receives the place names you look up."))
    if st.button(f"Geocode {len(tasks)} place(s)", type="primary", key="gc_start"):
        bar = st.progress(0.0, text="Indexing the gazetteer and GeoNames…")

        def show(done: int, total: int, task: geocode.PlaceTask) -> None:
            bar.progress(done / total, text=f"{done}/{total}: {md(task.place_id)} — {task.outcome}")

        error = None
        try:
            online, _note = geocode.online_geocoder_from_env(data_dir, enable=use_online)
            resolver = geocode.PlaceResolver(places_file.rows, online=online)
            geocode.geocode_tasks(tasks, resolver, progress=show)
        except geocode.GeocodeError as exc:
            error = str(exc)
        geocode.mark_duplicates([t for t in tasks if t.resolution is not None])
        st.session_state["gc_run"] = {"signature": places_signature(), "tasks": tasks, "error": error,
                                      "revisions": place_revisions(tasks)}  # what the save is checked against
        st.rerun()

if run and may_write:
    if run["error"]:
        st.error(f"The geocoder failed: {md(run['error'])}. The places below were resolved before it did; "
                 "answers received are cached, so trying again does not repeat them.")
    choices: dict[str, geocode.Candidate] = {}
    for task in run["tasks"]:
        r = task.resolution
        label = md(f"{task.place_id} ({' / '.join(task.names[:3])})")
        if r is None:
            st.caption(f"{label}: not reached")
        elif task.outcome == geocode.EXISTING:
            same = task.duplicate_of or r.best.place_id
            st.info(f"{label}: this is the existing place {md(same)}. Use that id in events.csv (or merge the rows); "
                    "nothing to save.", icon=":material/content_copy:")
        elif task.outcome == geocode.RESOLVED:
            if st.checkbox(f"{label}: {md(r.best.describe())}", value=True, key=f"gc_ok_{task.place_id}"):
                choices[task.place_id] = r.best
        elif task.outcome in (geocode.AMBIGUOUS, geocode.FLAGGED):
            options = [None, *range(len(r.candidates))]
            pick = st.radio(
                f"{label}: {task.outcome} — {md(r.note)}. Choose one, or leave it blank.", options, index=0,
                key=f"gc_pick_{task.place_id}",
                format_func=lambda i, r=r: "leave blank" if i is None else md(r.candidates[i].describe()))
            if pick is not None:
                choices[task.place_id] = r.candidates[pick]
                if r.candidates[pick].flags:
                    st.warning("This candidate was flagged; it will be saved with the flag in its notes.")
        else:
            st.caption(f"{label}: not found. {md(r.note)}")
    if st.button(f"Save {len(choices)} coordinate(s) to places.csv", disabled=not choices, key="gc_save"):
        if ui.editor() is None:  # hidden when nobody may write; refused here if reached anyway
            st.error("Editing is off: nothing was saved.")
        elif run["signature"] != places_signature():
            st.error("places.csv changed since the lookup; geocode again.")
        else:
            # One store change per place (editor, source, precision; history and Revert), each checked against
            # the row's revision when the lookup ran: ui.edit_places.
            saved, refused = save_geocoded(run["tasks"], choices, run.get("revisions") or {})
            for message in refused:
                st.error(md(message))
            if not refused:
                st.session_state.pop("gc_run", None)
                st.session_state["gc_flash"] = f"Saved {len(choices)} coordinate(s) to {schema.PLACES.path}."
                st.rerun()


# --- look up a name ------------------------------------------------------------------------------
with st.expander("Look up a name (offline: gazetteer and GeoNames)"):
    name = st.text_input("Place name, Arabic or any transliteration", key="gc_lookup",
                         placeholder="e.g. بهجين, Hajeen, al-Mayadeen, قاعدة حميميم")
    if name.strip():
        result = geocode.PlaceResolver(places.to_dict("records")).resolve(name)
        st.markdown(f"**{md(result.status)}**" + (f" (from {md(result.step)})" if result.step else ""))
        if result.candidates:
            st.dataframe(pd.DataFrame([{"candidate": c.name, "place id": c.place_id, "lat": c.lat, "lon": c.lon,
                                        "precision (m)": c.precision_m, "source": c.coord_source,
                                        "match": c.match, "flags": "; ".join(c.flags)}
                                       for c in result.candidates]), hide_index=True, width="stretch")


# --- distances within events ---------------------------------------------------------------------
st.subheader("Distances between the places of an event")
rows = []
for e in data.events.itertuples(index=False):
    if len(e.place_list) < 2:
        continue
    try:
        legs = geocode.event_place_distances(e.place_list, places, relation=e.place_relation)
    except ValueError as exc:
        rows.append({"event": e.title_en, "relation": e.place_relation, "distance": f"invalid coordinate: {exc}"})
        continue
    for leg in legs:
        km = "no coordinate yet" if leg.km is None else f"{leg.km:,.1f} km"
        rows.append({"event": e.title_en, "relation": e.place_relation, "distance": f"{leg.a} – {leg.b}: {km}"})
if rows:
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                 column_config={"distance": st.column_config.TextColumn("distance (geodesic, WGS84)")})
else:
    st.caption("No event refers to more than one place.")
ui.data_dir_caption(data)
