"""The page "Add from an article" offers its form only to someone who may write (ui.editor())."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO


@pytest.mark.parametrize(("mode", "form_shown"), [("off", False), ("local", True)])
def test_the_page_is_for_editors_only(monkeypatch, mode, form_shown):
    monkeypatch.setenv("CONFLICTMAP_EDIT", mode)
    monkeypatch.delenv("CONFLICTMAP_DATA", raising=False)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90).run()
    at.switch_page("pages/article.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Add from an article"]
    labels = [b.label for b in at.button]
    assert ("Read the article" in labels) is form_shown
    assert any("Editing is off" in i.value for i in at.info) is not form_shown
    assert not [b for b in at.button if b.label == "Accept"]  # nothing to accept before an article is read
