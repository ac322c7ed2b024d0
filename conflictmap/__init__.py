"""conflictmap: conflict events on a map, with every claim made about them.

The core package. It never imports streamlit; ``app.py`` and ``pages/`` are a
thin layer of widgets over it, and ``python -m conflictmap`` is its CLI.
"""

__version__ = "0.1.0"
