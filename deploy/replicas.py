"""Run N Streamlit replicas of the app behind one sticky, WebSocket-aware nginx, in the foreground.

    python -m deploy.replicas --replicas 2 --port 8080      # or: bash deploy/run-replicas.sh ...

Each replica is ``streamlit run app.py`` on its own 127.0.0.1 port; all share the data directory
(``CONFLICTMAP_DATA``, default the repository) and, when set, the PostgreSQL store (``CONFLICTMAP_DATABASE_URL``):
the environment is passed through unchanged. nginx runs with ``deploy/nginx.conf.template`` rendered into a
fresh directory (``-p`` prefix: pid, logs, temp files), so nothing needs root or touches /etc/nginx.

Once every replica answers its health check and nginx listens, one line ``proxy: http://...`` and one line per
replica (``replica N: http://... pid P log L``) are printed, and the launcher runs until it gets SIGINT or
SIGTERM (then it stops nginx and the replicas) or nginx exits. A replica that dies is reported, not
restarted: nginx sends its visitors to the others. For a benchmark: start it, read the ``proxy:`` line,
kill it when done.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TEMPLATE = HERE / "nginx.conf.template"
PLACEHOLDER = re.compile(r"@[A-Z_]+@")
START_TIMEOUT = 180.0  # s: a replica imports pandas and folium and loads the data before it is healthy


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _worker_user() -> str:
    """nginx started as root runs its workers as another user; Debian's is www-data, else nobody."""
    if os.geteuid() != 0:
        return ""  # nginx ignores `user` when not root, and warns about it
    for name in ("www-data", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return f"user {name};"
    return ""


def render_config(prefix: Path, listen: str, replica_ports: list[int], template: Path = TEMPLATE) -> str:
    """The nginx configuration for ``replica_ports`` on 127.0.0.1, listening on ``listen`` (``host:port``).

    Every placeholder (``@PREFIX@``, ``@LISTEN@``, ...) of the template is replaced; one left over is an
    error, not a broken config.
    """
    if not replica_ports:
        raise ValueError("at least one replica port is needed")
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in replica_ports)
    values = {"@PREFIX@": str(prefix), "@LISTEN@": listen, "@SERVERS@": servers, "@USER@": _worker_user()}
    text = template.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(key, value)
    left = sorted(set(PLACEHOLDER.findall(text)))
    if left:
        raise ValueError(f"{template}: placeholders with no value: {', '.join(left)}")
    return text


def nginx_path() -> str | None:
    """Debian's nginx (``/usr/sbin`` is not on every user's PATH)."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def _healthy(url: str, timeout: float = 5) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy
    try:
        with opener.open(url, timeout=timeout) as r:
            return r.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@dataclass
class Replica:
    """One ``streamlit run app.py`` on 127.0.0.1:``port``; its output goes to ``log_path``."""

    index: int
    port: int
    log_path: Path
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "streamlit", "run", "app.py",
                "--server.port", str(self.port), "--server.address", "127.0.0.1",
                "--server.headless", "true", "--browser.gatherUsageStats", "false",
                # A deployment serves the code it started with; no watcher threads per replica.
                "--server.fileWatcherType", "none", "--server.runOnSave", "false"]

    def start(self, env: dict[str, str]) -> None:
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(self.command(), cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        _stop(self.proc)


def _stop(proc: subprocess.Popen | None, timeout: float = 15) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def replica_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The replicas' environment: the caller's, plus what every replica must agree on.

    * One cookie secret (``STREAMLIT_SERVER_COOKIE_SECRET``), unless set: Streamlit signs its cookies (the
      sign-in cookie of ``st.login``) with it, so a visitor moved to another replica stays signed in.
    * ``CONFLICTMAP_EDIT=off`` unless set: each replica listens on loopback, which the app would otherwise take
      for "the person at the machine" (``local``), and show server paths to every visitor of the proxy.
    """
    env = dict(os.environ if base is None else base)
    env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))
    env.setdefault("CONFLICTMAP_EDIT", "off")
    env["PYTHONUNBUFFERED"] = "1"
    return env


@dataclass
class Deployment:
    """N replicas and the nginx in front of them, all files under ``workdir``."""

    replicas: int = 2
    listen_host: str = "127.0.0.1"
    port: int = 0
    workdir: Path | None = None
    env: dict[str, str] | None = None
    members: list[Replica] = field(default_factory=list)
    nginx: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{self.listen_host}:{self.port}/"

    @property
    def access_log(self) -> Path:
        return self.workdir / "access.log"

    @property
    def error_log(self) -> Path:
        return self.workdir / "error.log"

    def start(self, timeout: float = START_TIMEOUT) -> Deployment:
        """Start the replicas, wait until each is healthy, then start nginx and wait until it answers."""
        exe = nginx_path()
        if exe is None:
            raise RuntimeError("nginx is not installed: apt-get install -y nginx")
        if self.workdir is None:
            self.workdir = Path(tempfile.mkdtemp(prefix="conflictmap-deploy-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            self.workdir.chmod(0o755)  # nginx's workers (www-data) create their temp files under it
        self.port = self.port or free_port(self.listen_host)
        env = replica_env(self.env)
        deadline = time.monotonic() + timeout
        for i in range(1, self.replicas + 1):
            replica = Replica(i, free_port(), self.workdir / f"replica-{i}.log")
            replica.start(env)
            self.members.append(replica)
        for replica in self.members:
            while not _healthy(f"{replica.url}_stcore/health"):
                if not replica.alive():
                    raise RuntimeError(f"replica {replica.index} exited with {replica.proc.returncode} "
                                       f"(log {replica.log_path}):\n{_tail(replica.log_path)}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"replica {replica.index} was not healthy within {timeout:.0f} s "
                                       f"(log {replica.log_path}):\n{_tail(replica.log_path)}")
                time.sleep(0.25)
        conf = self.workdir / "nginx.conf"
        conf.write_text(render_config(self.workdir, f"{self.listen_host}:{self.port}",
                                      [r.port for r in self.members]), encoding="utf-8")
        # -e: the error log before the config is read; Debian's default (/var/log/nginx) may not be writable.
        base = [exe, "-p", str(self.workdir), "-c", str(conf), "-e", str(self.error_log)]
        check = subprocess.run([*base, "-t"], capture_output=True, text=True, timeout=30, check=False)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t rejected {conf}:\n{check.stderr}")
        with (self.workdir / "nginx.out").open("wb") as out:
            self.nginx = subprocess.Popen(base, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        while not _healthy(f"{self.url}_stcore/health"):
            if self.nginx.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.nginx.returncode}:\n{_tail(self.error_log)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not answer on {self.url} in time:\n{_tail(self.error_log)}")
            time.sleep(0.1)
        return self

    def stop(self) -> None:
        """Stop nginx (it writes the log lines of open WebSockets as it closes them), then the replicas."""
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)  # graceful: finish the log, then exit
            try:
                self.nginx.wait(timeout=15)
            except subprocess.TimeoutExpired:
                _stop(self.nginx)
        for replica in self.members:
            replica.stop()

    def describe(self) -> list[str]:
        """The lines a caller (a benchmark, a test) reads: the proxy URL, then each replica."""
        return [f"proxy: {self.url}", *(f"replica {r.index}: {r.url} pid {r.proc.pid} log {r.log_path}"
                                        for r in self.members),
                f"nginx: pid {self.nginx.pid} config {self.workdir / 'nginx.conf'} access log {self.access_log}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.replicas", description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2, help="how many Streamlit processes (default 2)")
    parser.add_argument("--port", type=int, default=8080, help="nginx's port; 0 picks a free one (default 8080)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="nginx's address (default 127.0.0.1; 0.0.0.0 to serve other machines)")
    parser.add_argument("--workdir", type=Path, help="where the rendered config, logs and pid go "
                                                     "(default: a new temporary directory)")
    parser.add_argument("--render", action="store_true",
                        help="print the config for replicas on ports 8501, 8502, ... and exit (starts nothing)")
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")
    if args.render:
        prefix = args.workdir or Path("/var/lib/conflictmap-nginx")
        print(render_config(prefix, f"{args.host}:{args.port}", [8501 + i for i in range(args.replicas)]), end="")
        return 0

    deployment = Deployment(args.replicas, args.host, args.port, args.workdir)

    def on_signal(signum, frame):
        raise KeyboardInterrupt  # the same clean stop for Ctrl-C and `kill`, even while starting

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        deployment.start()
        print("\n".join(deployment.describe()), flush=True)
        reported: set[int] = set()
        while True:
            if deployment.nginx.poll() is not None:
                print(f"nginx exited with {deployment.nginx.returncode}:\n{_tail(deployment.error_log)}",
                      file=sys.stderr, flush=True)
                return 1
            for r in deployment.members:
                if not r.alive() and r.index not in reported:
                    reported.add(r.index)
                    print(f"replica {r.index} exited with {r.proc.returncode}; nginx sends its visitors to the "
                          f"others (log {r.log_path})", file=sys.stderr, flush=True)
            time.sleep(0.5)
    except KeyboardInterrupt:
        return 0
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second signal must not cut the clean-up short
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        deployment.stop()

if __name__ == "__main__":
    raise SystemExit(main())
