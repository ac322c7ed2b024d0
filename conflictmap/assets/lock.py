"""The asset lock file (``lock.toml``) read into typed, checked records.

Why data and not code: the pins (versions, tarball sha512, file sha256) and what each
package is for are facts to review in one place; the code only reads them. A lock that
is malformed fails at import with the key that is wrong.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
LOCK_FILE = Path(__file__).resolve().parent / "lock.toml"
DEFAULT_STATIC_DIR = REPO_ROOT / "static" / "vendor"
DEFAULT_URL_PREFIX = "/app/static/vendor"

BASEMAP_COUNTRIES = "basemap/countries.geojson"
BASEMAP_COUNTRIES_110M = "basemap/countries-110m.geojson"


class LockError(ValueError):
    """The lock file is malformed."""


@dataclass(frozen=True)
class Package:
    """One pinned npm tarball.

    ``files`` are written to ``npm/NAME@VERSION/``; ``inputs`` are only read by
    generators. Both map a path inside the package to its sha256. ``urls`` maps
    folium's CDN URL to the file in ``files`` that replaces it, and ``loaded_by``
    names the folium classes that link those URLs.
    """

    name: str
    version: str
    integrity: str
    files: Mapping[str, str]
    inputs: Mapping[str, str] = field(default_factory=dict)
    urls: Mapping[str, str] = field(default_factory=dict)
    loaded_by: tuple[str, ...] = ()
    purpose: str = ""

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def prefix(self) -> str:
        return f"npm/{self.spec}"


@dataclass(frozen=True)
class Generated:
    """A file built at install time from one input of one package; its sha256 is pinned like the rest."""

    path: str
    sha256: str
    package: str
    input: str
    build: str
    options: Mapping[str, Any] = field(default_factory=dict)
    purpose: str = ""


@dataclass(frozen=True)
class Lock:
    """Everything ``assets install`` fetches and builds, as read from the lock file."""

    packages: tuple[Package, ...]
    generated: tuple[Generated, ...] = ()

    def expected_files(self) -> dict[str, str]:
        """Every installed file (path under the static dir) -> its pinned sha256."""
        out = {f"{p.prefix}/{path}": h for p in self.packages for path, h in p.files.items()}
        out.update({g.path: g.sha256 for g in self.generated})
        return out

    def url_map(self) -> dict[str, str]:
        """folium's exact CDN URL -> file under the static dir."""
        return {url: f"{p.prefix}/{path}" for p in self.packages for url, path in p.urls.items()}

    def folium_classes(self) -> dict[str, list[str]]:
        """Dotted folium class name -> the CDN URLs (in the lock) it links."""
        out: dict[str, list[str]] = {}
        for p in self.packages:
            for cls in p.loaded_by:
                out.setdefault(cls, []).extend(p.urls)
        return out


_SHA256 = re.compile(r"[0-9a-f]{64}")
_INTEGRITY = re.compile(r"sha512-[A-Za-z0-9+/]{86}==")
_VERSION = re.compile(r"\d+\.\d+\.\d+")
_GENERATED_KEYS = {"path", "sha256", "package", "input", "build", "purpose"}


def _hashes(where: str, table: object) -> dict[str, str]:
    if not isinstance(table, dict):
        raise LockError(f"{where}: expected a table of path = sha256, instead got: {table!r}")
    for path, sha in table.items():
        if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
            raise LockError(f"{where}: {path!r} needs a sha256 (64 hex digits), instead got: {sha!r}")
    return dict(table)


def _text(where: str, entry: Mapping[str, Any], key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise LockError(f"{where}: {key!r} must be a non-empty string, instead got: {value!r}")
    return value


def _package(n: int, e: Mapping[str, Any]) -> Package:
    where = f"package #{n + 1} ({e.get('name', '?')})"
    name, version, integrity = _text(where, e, "name"), _text(where, e, "version"), _text(where, e, "integrity")
    if not _VERSION.fullmatch(version):
        raise LockError(f"{where}: 'version' must be an exact x.y.z version, instead got: {version!r}")
    if not _INTEGRITY.fullmatch(integrity):
        raise LockError(f"{where}: 'integrity' must be npm's sha512-... string, instead got: {integrity!r}")
    files = _hashes(f"{where} files", e.get("files", {}))
    urls = e.get("urls", {})
    if not isinstance(urls, dict) or any(path not in files for path in urls.values()):
        raise LockError(f"{where}: every value in 'urls' must be a path listed in 'files', instead got: {urls!r}")
    loaded_by = e.get("loaded_by", [])
    if not isinstance(loaded_by, list) or not all(isinstance(c, str) and "." in c for c in loaded_by):
        raise LockError(f"{where}: 'loaded_by' must list dotted folium class names, instead got: {loaded_by!r}")
    if urls and not loaded_by:
        raise LockError(f"{where}: has 'urls' but no 'loaded_by' class to rewrite them in")
    return Package(name, version, integrity, files, _hashes(f"{where} inputs", e.get("inputs", {})), dict(urls),
                   tuple(loaded_by), _text(where, e, "purpose"))


def _generated(n: int, e: Mapping[str, Any], packages: Mapping[str, Package]) -> Generated:
    where = f"generated #{n + 1} ({e.get('path', '?')})"
    path, sha, pkg, inp = (_text(where, e, k) for k in ("path", "sha256", "package", "input"))
    if not _SHA256.fullmatch(sha):
        raise LockError(f"{where}: 'sha256' must be 64 hex digits, instead got: {sha!r}")
    if pkg not in packages or inp not in packages[pkg].inputs:
        raise LockError(f"{where}: input {inp!r} must be listed in the inputs of package {pkg!r}")
    options = {k: v for k, v in e.items() if k not in _GENERATED_KEYS}
    return Generated(path, sha, pkg, inp, _text(where, e, "build"), options, _text(where, e, "purpose"))


def parse_lock(data: Mapping[str, Any]) -> Lock:
    """A :class:`Lock` from the lock file's parsed TOML; :class:`LockError` names what is wrong."""
    packages = tuple(_package(n, e) for n, e in enumerate(data.get("package", [])))
    by_name = {p.name: p for p in packages}
    if len(by_name) != len(packages):
        raise LockError("a package name is listed twice: one version of each package")
    generated = tuple(_generated(n, e, by_name) for n, e in enumerate(data.get("generated", [])))
    return Lock(packages, generated)


def load_lock(path: Path = LOCK_FILE) -> Lock:
    """Read and check the lock file."""
    with open(path, "rb") as f:
        try:
            data = tomllib.load(f)
        except tomllib.TOMLDecodeError as e:
            raise LockError(f"{path}: {e}") from e
    try:
        return parse_lock(data)
    except LockError as e:
        raise LockError(f"{path}: {e}") from e


LOCK = load_lock()
"""The lock this checkout ships."""


def current_lock(lock: Lock | None = None) -> Lock:
    """``lock``, or else :data:`LOCK` as it is now (looked up per call, so a test can swap it)."""
    return lock if lock is not None else LOCK


def expected_files(lock: Lock | None = None) -> dict[str, str]:
    """Every installed file (path under the static dir) -> its pinned sha256."""
    return current_lock(lock).expected_files()


def basemap_path(static_dir: Path = DEFAULT_STATIC_DIR, *, detail: str = "50m") -> Path:
    """The offline Natural Earth country borders (``detail`` '50m' or '110m')."""
    rel = {"50m": BASEMAP_COUNTRIES, "110m": BASEMAP_COUNTRIES_110M}[detail]
    return Path(static_dir) / rel
