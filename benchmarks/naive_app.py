"""The usual Streamlit + Folium pattern, for comparison in ``benchmarks/run.py``. Not part of the app.

One ``folium.Marker`` with a ``folium.Popup`` (~300 characters of escaped title
and summary) per selected event, on a fresh ``folium.Map`` built on every run
and handed whole to ``st_folium`` (no ``feature_group_to_add``): every slider
move re-renders the whole map, and the map's iframe is re-created.

What is deliberately the same as the app, so only the drawing differs:
- the data comes from ``conflictmap.load.load_dataset(CONFLICTMAP_DATA)`` (the
  same import and Parquet cache), held once per process with ``st.cache_resource``;
- the selection is ``conflictmap.select.select_events`` on the same date window;
- the sidebar slider is labelled "Date window" with key ``f_dates``, and the page
  shows "N of M events shown", so the benchmark drives both apps the same way;
- Leaflet is served from the app's static files (``use_local_assets``), and only Leaflet, as in the app.

Run (what ``benchmarks/run.py`` does): from the repository root,
``CONFLICTMAP_DATA=file.csv streamlit run benchmarks/naive_app.py``; the
runner links ``benchmarks/static`` to the repository's ``static/`` so
``/app/static/vendor`` resolves.
"""

import app_setup  # first: puts the repository root on sys.path
import folium
import streamlit as st
from streamlit_folium import st_folium

from conflictmap.select import select_events
from conflictmap.text import escape

app_setup.page("naive folium")
ds = app_setup.dataset()
ev = ds.events
lo, hi = ev["date_start"].min().date(), ev["date_end"].max().date()
if "f_dates" not in st.session_state:
    st.session_state["f_dates"] = (lo, hi)
date_from, date_to = st.sidebar.slider("Date window", min_value=lo, max_value=hi, key="f_dates",
                                       format="YYYY-MM-DD")
selection = select_events(ds, date_range=(date_from, date_to))

st.title("Naive pattern: one folium Marker with a Popup per event")
st.markdown(f"**{len(selection)} of {len(ev)} events shown**")

m = folium.Map(location=(35.0, 38.5), zoom_start=6, tiles=None, max_zoom=18)
# Only Leaflet, as the app's base map: folium's other defaults (jQuery, Bootstrap, Font Awesome) are not in the
# offline assets (conflictmap/assets/lock.toml), and a default Marker and Popup need none of them.
m.default_js = [(n, u) for n, u in m.default_js if n == "leaflet"]
m.default_css = [(n, u) for n, u in m.default_css if n == "leaflet_css"]
for row in selection[selection["lat"].notna()].itertuples(index=False):
    html = (f"<b>{escape(row.title_en)}</b><br>{escape(row.date_start.date())}<br>"
            f"{escape(str(row.summary_en)[:220])}")
    folium.Marker((row.lat, row.lon), popup=folium.Popup(html, max_width=300)).add_to(m)
st_folium(m, key="naive", height=560, use_container_width=True)
