"""The map alone: ours without the page around it, for ``benchmarks/run.py``. Not part of the app.

The same data (``CONFLICTMAP_DATA``, the same cache), the same base map and the
same event layer for the whole date range, at the same height, handed to
``st_folium`` the same way, and nothing else: no sidebar, header, picker, claim
panel or histogram. Its page open is the floor that Streamlit, the component
iframe and Leaflet set on this machine; the app's page open minus this is what
the rest of the page costs.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # streamlit puts the script's folder on the path, not the repository root
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit_folium import st_folium  # noqa: E402

from conflictmap import assets  # noqa: E402
from conflictmap.load import default_data_dir, load_dataset  # noqa: E402
from conflictmap.maplayers import SYRIA_CENTER, SYRIA_ZOOM, base_map, event_layers  # noqa: E402

st.set_page_config(page_title="the map alone", layout="wide")
assets.use_local_assets()


@st.cache_resource
def data():
    return load_dataset(default_data_dir())


d = data()
st_folium(base_map("offline"), feature_group_to_add=event_layers(d.events, d.places, zoom=SYRIA_ZOOM),
          center=SYRIA_CENTER, zoom=SYRIA_ZOOM, key="map", height=560, use_container_width=True,
          returned_objects=["last_active_drawing", "last_object_clicked", "center", "zoom", "bounds"])
