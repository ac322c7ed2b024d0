"""From article to draft events: read a report (Arabic first, English too) the way the seed ledger was coded.

The pipeline, one module per step, all offline (nothing downloads a model or data):

* :mod:`.article` - pasted text, a ``.txt`` or an ``.html`` file reduced to text; its SHA-256 and language;
* :mod:`.places`  - place names: the gazetteer first, then GeoNames (through :mod:`.geo`, the one module
  that imports the geocoder); regions as regions; upper/lower namesakes never merged;
* :mod:`.dates`   - relative and absolute dates resolved against the publication (or statement) date;
* :mod:`.actors`  - claimants, spokespeople and channels from ``actors.csv`` (extendable by a user file);
* :mod:`.cues`    - stance and event-type cue words from ``cues.csv``;
* :mod:`.quotes`  - verbatim spans with character offsets (``text[start:end] == quote`` always);
* :mod:`.drafts`  - claims grouped into draft events, background facts marked;
* :mod:`.match`   - each draft scored against the events already in the ledger.

:func:`extract` runs the whole pipeline and returns the ``drafts.json`` structure. This package never
imports streamlit; reading writes nothing. Accepting reviewed drafts is :mod:`.apply`'s job (through the
store), and :mod:`.highlight` marks the text for review.
"""

from __future__ import annotations

from .drafts import Extractor, extract

__all__ = ["Extractor", "extract"]
