"""The map alone: ours without the page around it, for ``benchmarks/run.py``. Not part of the app.

The same data (``CONFLICTMAP_DATA``, the same cache), the same base map and the
same event layer for the whole date range, at the same height, handed to
``st_folium`` the same way, and nothing else: no sidebar, header, picker, claim
panel or histogram. Its page open is the floor that Streamlit, the component
iframe and Leaflet set on this machine; the app's page open minus this is what
the rest of the page costs.
"""

import app_setup  # first: puts the repository root on sys.path
from streamlit_folium import st_folium

from conflictmap.geo import SYRIA_CENTER, SYRIA_ZOOM
from conflictmap.maplayers import base_map, event_layers

app_setup.page("the map alone")
d = app_setup.dataset()
st_folium(base_map("offline"), feature_group_to_add=event_layers(d.events, d.places, zoom=SYRIA_ZOOM),
          center=SYRIA_CENTER, zoom=SYRIA_ZOOM, key="map", height=560, use_container_width=True,
          returned_objects=["last_active_drawing", "last_object_clicked", "center", "zoom", "bounds"])
