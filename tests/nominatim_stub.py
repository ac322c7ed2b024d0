"""A Nominatim look-alike on 127.0.0.1, so the real geopy client can be tested with no internet.

It answers ``GET /search?q=…`` from a table of canned behaviours (JSON
results, an HTTP status, a delay, raw bytes) and records every request it
receives, so tests can count them.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


def result(name: str, lat: float, lon: float, *, country_code: str = "sy", osm_id: int = 1001,
           osm_type: str = "node", kind: str = "village", importance: float = 0.5, state: str = "",
           bbox_deg: float = 0.01) -> dict:
    """One ``/search`` result shaped like Nominatim's (format=json, addressdetails=1)."""
    return {
        "place_id": osm_id * 10, "licence": "Data © OpenStreetMap contributors, ODbL 1.0.",
        "osm_type": osm_type, "osm_id": osm_id, "lat": f"{lat:.7f}", "lon": f"{lon:.7f}",
        "display_name": f"{name}, {state or 'Somewhere'}, Syria", "class": "place", "type": kind,
        "importance": importance,
        "boundingbox": [f"{lat - bbox_deg:.7f}", f"{lat + bbox_deg:.7f}", f"{lon - bbox_deg:.7f}",
                        f"{lon + bbox_deg:.7f}"],
        "address": {"village": name, "state": state, "country": "Syria", "country_code": country_code},
    }


@dataclass
class Answer:
    """What the stub does for a query: status, body (JSON-encoded unless bytes), optional delay and headers.

    ``before``, when set, runs before the answer is sent: a test's way to act while a lookup is in flight
    (someone editing the place meanwhile)."""

    body: object = field(default_factory=list)
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    before: Callable[[], None] | None = None


@dataclass
class Request:
    query: str
    params: dict[str, str]
    user_agent: str
    at: float


class NominatimStub:
    """Start with ``with NominatimStub() as stub:``; set ``stub.answers[query]`` or ``stub.default``."""

    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.default = Answer([])
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                params = {k: v[0] for k, v in parse_qs(parts.query).items()}
                query = params.get("q", "")
                with stub._lock:
                    stub.requests.append(Request(query, params, self.headers.get("User-Agent", ""), time.monotonic()))
                answer = stub.answers.get(query, stub.default) if parts.path == "/search" else Answer({}, 404)
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.before is not None:
                    answer.before()
                payload = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode()
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(payload)))
                    for k, v in answer.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def queries(self) -> list[str]:
        return [r.query for r in self.requests]

    def __enter__(self) -> NominatimStub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve_forever(status: int = 503) -> None:  # pragma: no cover - used by hand: python -m tests.nominatim_stub
    with NominatimStub() as stub:
        stub.default = Answer({"error": "stub"}, status)
        print(stub.url, flush=True)
        while True:
            time.sleep(3600)


if __name__ == "__main__":  # pragma: no cover
    serve_forever()
