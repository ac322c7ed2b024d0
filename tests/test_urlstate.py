"""Who wins on a session's first run, the link or the widgets (ui/urlstate.py, through AppTest).

A page opened from a link shows the link's view. A browser that reconnects to a fresh session (its replica
died; tests/browser/test_replicas.py does it for real) sends its widgets' values with its first message,
and the user's last move is among them: that move must not be undone by the link, which has not caught up
with it yet. Here the reconnect is played by handing a second, fresh AppTest session the widget states the
first one's browser side would send.
"""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from conflictmap.select import facets
from tests.conftest import REPO

EVENT = "ain-issa-ied"
FROM, TO = dt.date(2018, 6, 1), dt.date(2018, 6, 30)
LINK = {"event": EVENT, "from": FROM.isoformat(), "to": TO.isoformat()}


@pytest.fixture
def new_session(monkeypatch):
    monkeypatch.delenv("CONFLICTMAP_DATA", raising=False)

    def make(**extra: str) -> AppTest:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
        for k, v in {**LINK, **extra}.items():
            at.query_params[k] = v
        return at
    return make


def first_run_with(at: AppTest, sent) -> AppTest:
    """The session's first run, with the widget states a reconnecting browser sends."""
    # AppTest.run() sends what its own (empty) element tree holds; _run takes the states to send.
    return at._run(widget_state=sent)


def test_a_link_opened_fresh_shows_its_window(new_session):
    at = new_session().run()
    assert not at.exception
    assert at.slider(key="f_dates").value == (FROM, TO)
    assert at.session_state["selected_event"] == EVENT


def test_after_a_reconnect_the_browsers_moved_slider_wins_over_the_link(new_session):
    old = new_session().run()
    assert old.slider(key="f_dates").value == (FROM, TO)
    # The user moves the window's end a day back; the old session dies before it runs, so the address bar
    # still says to=2018-06-30. The browser sends the move to a fresh session.
    moved = (FROM, TO - dt.timedelta(days=1))
    old.slider(key="f_dates").set_value(moved)
    sent = old._tree.get_widget_states()

    fresh = first_run_with(new_session(), sent)
    assert not fresh.exception, [e.value for e in fresh.exception]
    assert fresh.slider(key="f_dates").value == moved, "the move was undone by the link"
    assert fresh.query_params["to"] == "2018-06-29"
    assert fresh.session_state["selected_event"] == EVENT, "the rest of the link's view comes back"
    # And it stays: the next run (nothing changed) keeps the moved window.
    fresh.run()
    assert fresh.slider(key="f_dates").value == moved


def test_after_a_reconnect_default_widget_values_leave_the_link_in_charge(new_session):
    # A fresh page whose widgets hold only their defaults (the whole date range) says nothing the link does not.
    blank = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    blank.run()
    full = blank.slider(key="f_dates").value
    assert full != (FROM, TO)
    sent = blank._tree.get_widget_states()
    fresh = first_run_with(new_session(), sent)
    assert not fresh.exception
    assert fresh.slider(key="f_dates").value == (FROM, TO)


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("key", ["f_types", "f_status"])
def test_after_a_reconnect_a_filter_changed_last_survives_too(new_session, seed, key, lang):
    # Both lists send each option's label in the language shown ("Contested", "متنازع عليه", "معارك").
    param, values = {"f_types": ("type", facets(seed).event_types), "f_status": ("status", facets(seed).statuses)}[key]
    old = new_session(**{param: values[0], "lang": lang}).run()
    assert old.multiselect(key=key).value == [values[0]]
    old.multiselect(key=key).select(values[1])  # the user adds a second one; the link has only the first
    fresh = first_run_with(new_session(**{param: values[0], "lang": lang}), old._tree.get_widget_states())
    assert not fresh.exception, [e.value for e in fresh.exception]
    assert fresh.multiselect(key=key).value == [values[0], values[1]]
    assert fresh.slider(key="f_dates").value == (FROM, TO)
