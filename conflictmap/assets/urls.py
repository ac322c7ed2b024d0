"""Point folium at the local asset copies, or leave it on its pinned CDN URLs with a warning.

``use_local_assets`` makes every map this process renders (``folium.Map.render``,
``save`` and ``st_folium``) link ``/app/static/vendor/...`` instead of a CDN, for the
folium classes the lock file names. When the files are not installed (a host that
only ran ``pip install``), it keeps folium's own URLs, which the lock's tests check
are pinned versions, and logs one warning.
"""

from __future__ import annotations

import importlib
import logging
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from .install import AssetError
from .lock import DEFAULT_STATIC_DIR, DEFAULT_URL_PREFIX, Lock, current_lock

log = logging.getLogger("conflictmap.assets")

ASSET_ATTRS = ("default_js", "default_css")
"""The folium class attributes that hold ``[(name, url), ...]``; see :func:`_rewrite_folium_asset_urls`."""

_lock = threading.RLock()
_origin: dict[str, str] = {}
"""Every URL this module wrote -> folium's original URL, so rewrites can be redone and undone."""
_mode: str | None = None


def folium_class(dotted: str) -> type:
    """``"folium.plugins.Timeline"`` -> the class (importing its module)."""
    module, _, name = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as e:
        raise AssetError(f"the lock file names {dotted!r}, which this folium does not have") from e


def folium_asset_lists(lock: Lock | None = None) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """``(class, attribute, the list itself)`` for every asset list of the lock's folium classes.

    Raises :class:`AssetError` when folium no longer keeps them as we expect: the
    attribute must be the class's own list of ``(name, url)`` string pairs, and every
    URL the lock maps for that class must be in one of its lists.
    """
    out = []
    for dotted, urls in current_lock(lock).folium_classes().items():
        cls = folium_class(dotted)
        found: set[str] = set()
        for attr in ASSET_ATTRS:
            if attr not in vars(cls):
                continue
            value = vars(cls)[attr]
            if not isinstance(value, list) or not all(
                    isinstance(p, tuple) and len(p) == 2 and all(isinstance(s, str) for s in p) for p in value):
                raise AssetError(f"{dotted}.{attr} is not a list of (name, url) pairs, instead got: {value!r}; "
                                 "folium changed how it declares assets: update conflictmap/assets/urls.py")
            found |= {_origin.get(url, url) for _name, url in value}
            out.append((dotted, attr, value))
        if missing := [u for u in urls if u not in found]:
            raise AssetError(f"{dotted} no longer links {', '.join(missing)}: update conflictmap/assets/lock.toml "
                             "for this folium version")
    return out


def _rewrite_folium_asset_urls(target: Callable[[str], str], lock: Lock | None = None) -> None:
    """Replace, in place and for the whole process, each URL the lock's folium classes link by ``target(url)``.

    The one place that writes folium's class attributes. Why: folium renders an
    element's scripts and stylesheets from its class attributes ``default_js`` and
    ``default_css``, and streamlit-folium reads the same attributes for the tags in
    its iframe; neither offers a parameter to load them from elsewhere. Only the
    classes the lock names (``loaded_by``) are touched. The lists are changed in
    place (one slice assignment, atomic under the GIL) because ``folium.Map``'s list
    is also folium's module-level default. ``target`` always gets folium's original
    URL, so calls can be repeated and undone. tests/test_assets.py fails (not skips)
    when folium changes the shape of these attributes; here they raise, not guess.
    """
    with _lock:
        for _dotted, _attr, lst in folium_asset_lists(lock):
            new = []
            for name, url in lst:
                orig = _origin.get(url, url)
                url2 = target(orig)
                if url2 != orig:
                    _origin[url2] = orig
                new.append((name, url2))
            if new != lst:
                lst[:] = new


def _missing_files(static_dir: Path, lock: Lock) -> list[str]:
    return [rel for rel in lock.expected_files() if not (static_dir / rel).is_file()]


def use_local_assets(
    static_dir: Path = DEFAULT_STATIC_DIR, url_prefix: str = DEFAULT_URL_PREFIX, *, lock: Lock | None = None
) -> bool:
    """Point folium at the local asset copies; True if it could.

    Safe to call on every Streamlit rerun: it only checks that the files exist
    (``assets check`` verifies hashes) and rewrites from folium's original URLs.
    When files are missing it keeps folium's own URLs (pinned CDN copies), warns
    once, and returns False.
    """
    global _mode
    lock = current_lock(lock)
    static_dir = Path(static_dir)
    prefix = url_prefix.rstrip("/")
    url_map = lock.url_map()
    with _lock:
        missing = _missing_files(static_dir, lock)
        if not missing:
            _rewrite_folium_asset_urls(lambda u: f"{prefix}/{url_map[u]}" if u in url_map else u, lock)
            if _mode != "local":
                log.info("serving map assets from %s at %s", static_dir, prefix)
            _mode = "local"
            return True
        _rewrite_folium_asset_urls(lambda u: u, lock)
        if _mode != "cdn":
            log.warning(
                "local map assets not found in %s (%d of %d files missing; run "
                "`python -m conflictmap assets install`); falling back to pinned CDN copies",
                static_dir, len(missing), len(lock.expected_files()))
        _mode = "cdn"
        return False


def reset_asset_urls(lock: Lock | None = None) -> None:
    """Restore folium's own URLs (for tests, or to undo ``use_local_assets``)."""
    global _mode
    with _lock:
        _rewrite_folium_asset_urls(lambda u: u, lock)
        _mode = None


def local_asset_paths(
    static_dir: Path = DEFAULT_STATIC_DIR, url_prefix: str = DEFAULT_URL_PREFIX, *, lock: Lock | None = None
) -> dict[str, Path]:
    """Local URL -> file, for every installed file (fonts and images too).

    Why: a standalone HTML export must inline what the page links, including
    what CSS files reference with relative ``url(...)``.
    """
    prefix = url_prefix.rstrip("/")
    return {f"{prefix}/{rel}": Path(static_dir) / rel for rel in sorted(current_lock(lock).expected_files())}


# --- reporting: which folium URLs the lock covers (the `assets urls` command) ------------------


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def all_folium_asset_urls() -> dict[str, list[str]]:
    """Every asset URL any folium element links (folium's original) -> names of the classes that link it."""
    import folium.plugins  # noqa: F401  (defines the plugin classes)
    from folium.elements import JSCSSMixin

    out: dict[str, list[str]] = {}
    with _lock:
        for cls in sorted({*_subclasses(JSCSSMixin)}, key=lambda c: c.__name__):
            for attr in ASSET_ATTRS:
                for _name, url in vars(cls).get(attr) or []:
                    out.setdefault(_origin.get(url, url), []).append(cls.__name__)
    return out


def uncovered_urls(lock: Lock | None = None) -> dict[str, list[str]]:
    """folium asset URLs with no local copy: elements no map here uses (the map loads them from the CDN)."""
    covered = current_lock(lock).url_map()
    return {u: c for u, c in all_folium_asset_urls().items() if u not in covered}


_PINNED = re.compile(r"[@/-]v?\d+\.\d+\.\d+(?:[/.]|$)")


def is_pinned_url(url: str) -> bool:
    """True if the URL names an exact version (not a branch, tag alias or latest)."""
    return bool(_PINNED.search(url)) and not re.search(r"@(main|master|latest)\b", url)
