"""What the benchmark's stand-in apps (``naive_app.py``, ``floor_app.py``) share. Not part of the app.

Importing it puts the repository root on ``sys.path`` (``streamlit run`` adds only
the script's folder), so the apps can import ``conflictmap`` afterwards.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from conflictmap import assets  # noqa: E402
from conflictmap.load import Dataset, default_data_dir, load_dataset  # noqa: E402


def page(title: str) -> None:
    """A wide page whose map loads Leaflet from the app's own static files, as the app does."""
    st.set_page_config(page_title=title, layout="wide")
    assets.use_local_assets()


@st.cache_resource
def _load(path: str) -> Dataset:
    return load_dataset(Path(path))


def dataset() -> Dataset:
    """``CONFLICTMAP_DATA`` loaded once per process (the same import and Parquet cache as the app)."""
    return _load(str(default_data_dir()))
