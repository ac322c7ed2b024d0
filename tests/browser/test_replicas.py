"""Two replicas behind nginx (deploy/run-replicas.sh): each visitor stays on one replica, and a visitor whose
replica is killed reconnects through the proxy to the other with the view their link holds, and their first
move after that (the new session's first run) sticks instead of being undone by the link.

The deployment is the shipped launcher, run as a subprocess exactly as docs/deploy.md runs it; the test reads
the lines it prints (proxy URL, each replica's port and pid, nginx's access log). Which replica serves a
visitor comes from the ``X-Upstream`` header nginx adds and from its access log (``upstream=``).

Not tested, because it cannot be yet: an edit in flight when a replica dies (the app has no write path).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from deploy.replicas import nginx_path
from tests.conftest import skip_or_fail

from .conftest import AIN_ISSA, ARTIFACTS, REPO, SCREENSHOTS, TIMEOUT_MS, App, full_page_screenshot

FROM, TO = "2018-06-01", "2018-06-30"
LINK = f"?event={AIN_ISSA}&from={FROM}&to={TO}"
LAUNCH_TIMEOUT = 240  # s: two replicas import pandas and folium at once on a shared 2-core machine
RECONNECT_TIMEOUT = 90  # s: Streamlit's frontend pings /_stcore/health with a growing back-off


@dataclass
class Launched:
    """What ``deploy/run-replicas.sh`` printed: the proxy, each replica (port -> pid), nginx's access log."""

    proc: subprocess.Popen
    out_path: Path
    url: str = ""
    replicas: dict[str, int] = field(default_factory=dict)  # "127.0.0.1:port" -> pid
    logs: dict[str, Path] = field(default_factory=dict)
    access_log: Path = field(default_factory=Path)

    def output(self) -> str:
        return self.out_path.read_text(errors="replace")

    def log_tails(self) -> str:
        parts = [f"--- launcher\n{self.output()}"]
        for addr, path in self.logs.items():
            text = path.read_text(errors="replace") if path.exists() else "(no log)"
            parts.append(f"--- replica {addr}\n" + "\n".join(text.splitlines()[-30:]))
        return "\n".join(parts)


def _launch(out_path: Path) -> Launched:
    env = {**os.environ, "PYTHON": os.environ.get("PYTHON", sys.executable), "CONFLICTMAP_DATA": str(REPO),
           "CONFLICTMAP_BASEMAP": "offline"}
    with out_path.open("wb") as out:
        # Its own process group: if the launcher itself hangs, the teardown can end it and its children together.
        proc = subprocess.Popen(["bash", str(REPO / "deploy" / "run-replicas.sh"), "--replicas", "2", "--port", "0",
                                 "--workdir", str(out_path.parent / "nginx")],
                                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    launched = Launched(proc, out_path)
    deadline = time.monotonic() + LAUNCH_TIMEOUT
    while "nginx: pid" not in launched.output():
        if proc.poll() is not None or time.monotonic() > deadline:
            _terminate(launched)
            pytest.fail(f"deploy/run-replicas.sh did not come up within {LAUNCH_TIMEOUT} s "
                        f"(exit {proc.returncode}):\n{launched.log_tails()}", pytrace=False)
        time.sleep(0.25)
    text = launched.output()
    launched.url = re.search(r"^proxy: (\S+)", text, re.M).group(1)
    for port, pid, log in re.findall(r"^replica \d+: http://127\.0\.0\.1:(\d+)/ pid (\d+) log (\S+)", text, re.M):
        launched.replicas[f"127.0.0.1:{port}"] = int(pid)
        launched.logs[f"127.0.0.1:{port}"] = Path(log)
    launched.access_log = Path(re.search(r"access log (\S+)", text).group(1))
    assert len(launched.replicas) == 2, text
    return launched


def _terminate(launched: Launched, timeout: float = 40) -> int | None:
    """SIGTERM to the launcher (it stops nginx, then the replicas); the whole group is killed if it hangs."""
    if launched.proc.poll() is None:
        launched.proc.send_signal(signal.SIGTERM)
        try:
            launched.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(launched.proc.pid, signal.SIGKILL)
            launched.proc.wait(timeout=10)
    return launched.proc.returncode


@pytest.fixture(scope="module")
def deployment(request, tmp_path_factory):
    if nginx_path() is None:
        skip_or_fail("nginx is not installed: apt-get install -y nginx")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    launched = _launch(tmp_path_factory.mktemp("replicas") / "launcher.out")
    failed_before = request.session.testsfailed
    yield launched
    _terminate(launched)
    if request.session.testsfailed > failed_before:
        (ARTIFACTS / "replicas.log").write_text(launched.log_tails(), encoding="utf-8")
        print(f"\nlauncher and replica logs kept: {ARTIFACTS / 'replicas.log'}")


def _last_upstream(value: str) -> str:
    """nginx's $upstream_addr lists every replica it tried ("A, B" when A refused); the last one answered."""
    return value.split(",")[-1].strip()


def _get(url: str, cookie: str | None = None) -> tuple[str, str | None]:
    """(replica that answered, route cookie nginx set or None) for one GET through the proxy."""
    req = urllib.request.Request(url, headers={"Cookie": f"cmroute={cookie}"} if cookie else {})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(req, timeout=30) as r:
        r.read()
        set_cookie = r.headers.get("Set-Cookie") or ""
        route = re.match(r"cmroute=([0-9a-f]+);", set_cookie)
        return _last_upstream(r.headers["X-Upstream"]), route.group(1) if route else None


def test_nginx_spreads_new_visitors_and_keeps_each_on_one_replica(deployment):
    first = [_get(deployment.url) for _ in range(40)]
    assert all(route for _, route in first), "every new visitor gets a route cookie"
    spread = Counter(upstream for upstream, _ in first)
    assert set(spread) == set(deployment.replicas), f"40 new visitors should reach both replicas: {spread}"
    for upstream, route in first[:8]:
        again = [_get(f"{deployment.url}_stcore/health", route) for _ in range(5)]
        assert again == [(upstream, None)] * 5, "a visitor with a route cookie stays on its replica"


def test_a_visitor_whose_replica_dies_reconnects_to_the_other_with_the_view_of_the_link(deployment, browser_context):
    page = browser_context.new_page()
    served: list[tuple[float, str, str]] = []  # (time, url, replica) for every response through the proxy
    page.on("response", lambda r: served.append((time.monotonic(), r.url, r.headers.get("x-upstream", ""))))
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    app = App(page, deployment)  # App needs only .url: the proxy's

    app.goto(LINK)
    app.wait_map()
    app.ledger().wait_for()
    app.wait_idle()
    before = {"window": app.date_window(), "ledger": app.ledger().inner_text(), "markers": sorted(app.markers())}
    assert before["window"] == (dt.date.fromisoformat(FROM), dt.date.fromisoformat(TO)), "the link sets the window"
    assert "Ain Issa" in before["ledger"]

    # Every request of this visitor (page, scripts, health checks, the map's iframe) reached one replica.
    seen = {value for _, _, value in served if value}
    assert len(seen) == 1 and "," not in next(iter(seen)), f"one replica should serve the visitor: {seen}"
    first = next(iter(seen))
    other = next(a for a in deployment.replicas if a != first)
    assert len(sockets) == 1 and sockets[0].endswith("/_stcore/stream")

    runs, killed_at = app.runs(), time.monotonic()
    os.kill(deployment.replicas[first], signal.SIGKILL)

    # The frontend notices, pings the proxy until it answers (now from the other replica) and reconnects.
    deadline = killed_at + RECONNECT_TIMEOUT
    while not any(t > killed_at and _last_upstream(v) == other for t, _, v in served):
        assert time.monotonic() < deadline, f"no answer from {other} within {RECONNECT_TIMEOUT} s of the kill"
        page.wait_for_timeout(200)
    while len(sockets) < 2:
        assert time.monotonic() < deadline, f"no new WebSocket within {RECONNECT_TIMEOUT} s of the kill"
        page.wait_for_timeout(200)
    app.wait_idle(timeout=max(1, deadline - time.monotonic()) * 1000)
    print(f"\nreconnected to {other} {time.monotonic() - killed_at:.1f} s after the kill; "
          f"script runs since, before any input: {app.runs() - runs}")
    page.get_by_text("Connection error").first.wait_for(state="hidden", timeout=TIMEOUT_MS)
    assert not [v for t, _, v in served if t > killed_at and _last_upstream(v) == first], \
        "nothing is served by the killed replica"

    # The page still shows the old replica's last run; the other replica holds a fresh session, which knows
    # only what the browser sends it: the address bar and the widgets' values. The visitor's first move after
    # the failover (the window's end a day back) is that session's first run, and it must stick: the widget's
    # new value wins over the address bar, which still says to=2018-06-30 (ui/urlstate.py, sent_filters).
    moved = (dt.date.fromisoformat(FROM), dt.date.fromisoformat(TO) - dt.timedelta(days=1))
    app.step_date("end", "ArrowLeft")
    app.ledger().wait_for()
    app.wait_idle()
    page.wait_for_timeout(1000)  # a run that would put the link's window back has had time to start
    app.wait_idle()
    assert app.date_window() == moved, "the first move after the failover was undone by the link"
    assert "to=2018-06-29" in page.url and f"event={AIN_ISSA}" in page.url
    assert app.ledger().inner_text() == before["ledger"], "the rest of the link's view came back"
    moved_count = app.shown_counts()
    # The visitor reruns the page (the "r" key, as Streamlit's menu says): the moved window stays.
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    since = app.runs()
    page.keyboard.press("r")
    app.wait_rerun(since)
    app.wait_map()
    assert app.date_window() == moved and app.shown_counts() == moved_count
    # Moving the end forward again gives back exactly the view of the link, drawn by the other replica.
    app.step_date("end", "ArrowRight")
    app.ledger().wait_for()
    after = {"window": app.date_window(), "ledger": app.ledger().inner_text(), "markers": sorted(app.markers())}
    full_page_screenshot(page, SCREENSHOTS / "replica-killed-view-back.png")
    assert after == before
    assert app.runs() >= runs + 3
    assert f"event={AIN_ISSA}" in page.url and f"to={TO}" in page.url
    assert not app.exceptions()

    # nginx's log: the visitor's first WebSocket was on the killed replica, the second on the other, with one
    # route cookie (a WebSocket is logged when it closes, so close the page first).
    page.close()
    deadline = time.monotonic() + 30
    streams: list[tuple[str, str]] = []
    while len(streams) < 2 and time.monotonic() < deadline:
        time.sleep(0.25)
        streams = re.findall(r'"GET /_stcore/stream HTTP/1\.1" 101 \d+ upstream=(\S+(?:, \S+)*) route=(\w+)',
                             deployment.access_log.read_text())
    assert len(streams) == 2, deployment.access_log.read_text()
    assert _last_upstream(streams[0][0]) == first and _last_upstream(streams[1][0]) == other
    assert streams[0][1] == streams[1][1], "the same visitor (route cookie) on both"


def test_stopping_the_launcher_stops_nginx_and_the_replicas(deployment):
    """Last in this module: SIGTERM (what a benchmark or systemd sends) leaves nothing listening."""
    assert _terminate(deployment) == 0, deployment.output()
    ports = [int(deployment.url.rsplit(":", 1)[1].strip("/"))] + [int(a.rsplit(":", 1)[1]) for a in deployment.replicas]
    for port in ports:
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still answers after the launcher stopped"
