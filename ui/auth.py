"""Sign-in for editors (``CONFLICTMAP_EDIT=login``): Streamlit's own st.login (OpenID Connect).

Not built yet: until it is, nobody is an editor in login mode.
"""

from __future__ import annotations


def signed_in_editor() -> str | None:
    """The signed-in user's identity if they may edit (listed in ``CONFLICTMAP_EDITORS``), else None."""
    return None
