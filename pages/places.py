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
from ui.i18n import headings, lang, t
from ui.i18n import label as value_label  # "label" is the geocoding loop's own name below

md = ui.md_escape  # every label below that carries data renders Markdown: escape it

ui.require_entrypoint()
data = ui.dataset()
local_assets = ui.map_assets_local()
places = data.places

st.title(t("nav.places"))
st.caption(t("places.intro"))

# --- the gazetteer table -------------------------------------------------------------------
COLUMNS = ["place_id", "name_en", "name_ar", "kind", "lat", "lon", "coord_precision_m", "coord_source",
           "coord_inferred", "geonames_id", "admin1", "country", "alt_names", "notes"]
st.dataframe(
    places[COLUMNS], hide_index=True, width="stretch", height=min(420, 38 + 35 * max(len(places), 1)),
    column_config=headings(
        COLUMNS,
        coord_precision_m=st.column_config.NumberColumn(t("col.coord_precision_m"), format="±%d",
                                                        help=t("places.precision_help")),
        coord_source=st.column_config.TextColumn(t("col.coord_source"), width="medium"),
        coord_inferred=st.column_config.CheckboxColumn(t("col.coord_inferred"), help=t("places.inferred_help")),
        geonames_id=st.column_config.NumberColumn(t("col.geonames_id"), format="%d"),
        lat=st.column_config.NumberColumn(t("col.lat"), format="%.5f"),
        lon=st.column_config.NumberColumn(t("col.lon"), format="%.5f"),
    ),
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
        prec = t("ledger.metres", m=f"{precision:,}") if precision else t("places.precision_unknown")
        tip = (f"<b>{escape(p.name_en)}</b> {escape(p.name_ar)}<br>{escape(p.kind)} · {escape(prec)}"
               f"{' · ' + escape(t('places.inferred')) if p.coord_inferred else ''}<br>"
               f"{escape(p.coord_source) or escape(t('ledger.source_not_recorded'))}")
        folium.CircleMarker((p.lat, p.lon), radius=6, color="#222", weight=1, fill=True, fill_color=colour,
                            fill_opacity=0.9, tooltip=folium.Tooltip(tip)).add_to(fg)
    return fg


mapped = places[places["lat"].notna() & places["lon"].notna()]
st.markdown(t("places.on_map", n=len(mapped), total=len(places)))
st_folium(ui.app_base_map(ui.offline_default(), legend=False, view_buttons=False),
          feature_group_to_add=places_layer(places), key="places_map", height=460, use_container_width=True,
          returned_objects=[])
if not local_assets:
    st.caption(t("map.cdn"))


# --- geocoding missing places, on demand ---------------------------------------------------------
st.subheader(t("places.geocode"))
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
    st.success(t("places.all_placed"))
elif not may_write:
    st.caption(t("places.missing_viewer", n=len(tasks)))
else:
    missing = pd.DataFrame([{t("col.place_id"): task.place_id, t("places.names"): " / ".join(task.names),
                             t("places.in_file"): task.row is not None} for task in tasks])
    st.markdown(t("places.missing_editor", n=len(tasks)))
    st.dataframe(missing, hide_index=True, width="stretch")
    env_url = os.environ.get(geocode.GEOCODER_URL_ENV, "").strip()
    service = env_url or geocode.DEFAULT_SERVICE_URL
    use_online = st.toggle(
        t("places.online", service=service), value=False, key="gc_online",
        help=t("places.online_help")
             + ("" if env_url else " " + t("places.online_env", env=geocode.GEOCODER_URL_ENV)))
    if st.button(t("places.geocode_n", n=len(tasks)), type="primary", key="gc_start"):
        bar = st.progress(0.0, text=t("places.indexing"))

        def show(done: int, total: int, task: geocode.PlaceTask) -> None:
            bar.progress(done / total, text=f"{done}/{total}: {md(task.place_id)} — {task.outcome}")

        error = None
        try:
            online, _note = geocode.online_geocoder_from_env(data_dir, enable=use_online)
            resolver = geocode.PlaceResolver(places_file.rows, online=online)
            geocode.geocode_tasks(tasks, resolver, progress=show)
        except geocode.GeocodeError as exc:
            error = str(exc)
        geocode.mark_duplicates([task for task in tasks if task.resolution is not None])
        st.session_state["gc_run"] = {"signature": places_signature(), "tasks": tasks, "error": error,
                                      "revisions": place_revisions(tasks)}  # what the save is checked against
        st.rerun()

if run and may_write:
    if run["error"]:
        st.error(t("places.failed", error=md(run["error"])))
    choices: dict[str, geocode.Candidate] = {}
    blank = t("places.leave_blank")  # read now: Streamlit may call format_func outside the run (ui.i18n.words)
    for task in run["tasks"]:
        r = task.resolution
        label = md(f"{task.place_id} ({' / '.join(task.names[:3])})")
        if r is None:
            st.caption(t("places.not_reached", label=label))
        elif task.outcome == geocode.EXISTING:
            same = task.duplicate_of or r.best.place_id
            st.info(t("places.existing", label=label, same=md(same)), icon=":material/content_copy:")
        elif task.outcome == geocode.RESOLVED:
            if st.checkbox(f"{label}: {md(r.best.describe())}", value=True, key=f"gc_ok_{task.place_id}"):
                choices[task.place_id] = r.best
        elif task.outcome in (geocode.AMBIGUOUS, geocode.FLAGGED):
            options = [None, *range(len(r.candidates))]
            pick = st.radio(
                t("places.choose", label=label, outcome=task.outcome, note=md(r.note)), options, index=0,
                key=f"gc_pick_{task.place_id}",
                format_func=lambda i, r=r: blank if i is None else md(r.candidates[i].describe()))
            if pick is not None:
                choices[task.place_id] = r.candidates[pick]
                if r.candidates[pick].flags:
                    st.warning(t("places.flagged"))
        else:
            st.caption(t("places.not_found", label=label, note=md(r.note)))
    if st.button(t("places.save", n=len(choices)), disabled=not choices, key="gc_save"):
        if ui.editor() is None:  # hidden when nobody may write; refused here if reached anyway
            st.error(t("common.editing_off"))
        elif run["signature"] != places_signature():
            st.error(t("places.changed"))
        else:
            # One store change per place (editor, source, precision; history and Revert), each checked against
            # the row's revision when the lookup ran: ui.edit_places.
            saved, refused = save_geocoded(run["tasks"], choices, run.get("revisions") or {})
            for message in refused:
                st.error(md(message))
            if not refused:
                st.session_state.pop("gc_run", None)
                st.session_state["gc_flash"] = t("places.saved", n=len(choices), path=schema.PLACES.path)
                st.rerun()


# --- look up a name ------------------------------------------------------------------------------
with st.expander(t("places.lookup")):
    name = st.text_input(t("places.lookup_name"), key="gc_lookup", placeholder=t("places.lookup_placeholder"))
    if name.strip():
        result = geocode.PlaceResolver(places.to_dict("records")).resolve(name)
        st.markdown(f"**{md(result.status)}**" + (t("places.from_step", step=md(result.step)) if result.step else ""))
        if result.candidates:
            st.dataframe(pd.DataFrame([{"candidate": c.name, "place_id": c.place_id, "lat": c.lat, "lon": c.lon,
                                        "coord_precision_m": c.precision_m, "coord_source": c.coord_source,
                                        "match": c.match, "flags": "; ".join(c.flags)}
                                       for c in result.candidates]), hide_index=True, width="stretch",
                         column_config=headings(["candidate", "place_id", "lat", "lon", "coord_precision_m",
                                                 "coord_source", "match", "flags"]))


# --- distances within events ---------------------------------------------------------------------
st.subheader(t("places.distances"))
rows = []
for e in data.events.itertuples(index=False):
    if len(e.place_list) < 2:
        continue
    title = (e.title_ar or e.title_en) if lang() == "ar" else e.title_en
    try:
        legs = geocode.event_place_distances(e.place_list, places, relation=e.place_relation)
    except ValueError as exc:
        rows.append({"event": title, "relation": value_label("relation", e.place_relation),
                     "distance": t("places.invalid", error=exc)})
        continue
    for leg in legs:
        km = t("places.no_coordinate") if leg.km is None else t("places.km", km=f"{leg.km:,.1f}")
        rows.append({"event": title, "relation": value_label("relation", e.place_relation),
                     "distance": f"{leg.a} – {leg.b}: {km}"})
if rows:
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                 column_config=headings(["event", "relation", "distance"]))
else:
    st.caption(t("places.no_multi"))
ui.data_dir_caption(data)
