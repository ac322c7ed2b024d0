"""Install and verify the offline assets the lock file pins.

``install_assets`` fetches each package with ``npm pack`` (it asks only the npm
registry), checks the tarball's sha512 ``integrity`` and each file's sha256, builds
the generated files, checks those too, and only then swaps the whole folder in
(:func:`conflictmap.files.swap_dir`): a failure leaves the previous install as it was.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..files import swap_dir
from .geobuild import build_admin1, build_rivers
from .lock import DEFAULT_STATIC_DIR, Generated, Lock, current_lock
from .topojson import topojson_to_geojson


class AssetError(RuntimeError):
    """Installing or verifying the offline assets failed."""


class IntegrityError(AssetError):
    """A tarball or file does not match its pinned hash."""

    def __init__(self, what: str, expected: str, actual: str) -> None:
        super().__init__(f"{what}: hash mismatch, refusing to install\n"
                         f"  expected {expected}\n  actual   {actual}")
        self.what, self.expected, self.actual = what, expected, actual


def sha256_hex(data: bytes) -> str:
    """The hex sha256 the lock file pins for each file."""
    return hashlib.sha256(data).hexdigest()


def npm_integrity(data: bytes) -> str:
    """The ``dist.integrity`` string npm reports for a tarball (SRI sha512)."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def verify_install(dest: Path = DEFAULT_STATIC_DIR, lock: Lock | None = None) -> list[str]:
    """Problems with the install in ``dest`` (empty when complete, intact and nothing more).

    A file the lock does not list is a problem too: it is left from an older lock
    (a pruned package), and ``install`` replaces the folder to remove it.
    """
    dest = Path(dest)
    want = current_lock(lock).expected_files()
    problems = []
    for rel, sha in sorted(want.items()):
        f = dest / rel
        if not f.is_file():
            problems.append(f"missing: {rel}")
        elif (got := sha256_hex(f.read_bytes())) != sha:
            problems.append(f"sha256 mismatch: {rel} (expected {sha}, got {got})")
    if dest.is_dir():
        extra = sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if not p.is_dir())
        problems += [f"not in the lock: {rel}" for rel in extra if rel not in want]
    return problems


# --- generated files: the lock names a builder, the code is here -----------------------------


def _topojson_to_geojson(data: bytes, options: Mapping[str, object]) -> bytes:
    precision = options.get("precision", 4)
    if not isinstance(precision, int):
        raise AssetError(f"topojson-to-geojson: 'precision' must be an integer, instead got: {precision!r}")
    fc = topojson_to_geojson(json.loads(data), str(options.get("object", "countries")), precision=precision)
    return json.dumps(fc, separators=(",", ":"), ensure_ascii=False).encode()


BUILDERS: dict[str, Callable[[bytes, Mapping[str, object]], bytes]] = {
    "topojson-to-geojson": _topojson_to_geojson,
    "admin1-cut": build_admin1,
    "rivers-cut": build_rivers,
}
"""A ``[[generated]]`` entry's ``build`` -> ``(input bytes, the entry's other keys) -> file bytes``."""


def build_generated(g: Generated, data: bytes) -> bytes:
    """The bytes of generated file ``g`` from its input ``data`` (not yet checked against its sha256)."""
    if g.build not in BUILDERS:
        raise AssetError(f"{g.path}: unknown build {g.build!r} (known: {', '.join(sorted(BUILDERS))})")
    try:
        return BUILDERS[g.build](data, g.options)
    except (ValueError, KeyError, TypeError) as e:  # a bad option in the lock, or an input not as expected
        raise AssetError(f"{g.path}: build {g.build!r} failed: {e}") from e


# --- install --------------------------------------------------------------------------------


@dataclass
class PackageResult:
    spec: str
    files: int
    size: int


@dataclass
class InstallReport:
    """What :func:`install_assets` did; ``summary()`` is the line the CLI prints."""

    dest: Path
    changed: bool
    packages: list[PackageResult] = field(default_factory=list)
    generated: int = 0
    files: int = 0
    size: int = 0

    def summary(self) -> str:
        mb = self.size / 1e6
        if not self.changed:
            return (f"already installed and verified: {self.files} files, {mb:.1f} MB "
                    f"in {self.dest}; nothing to do")
        return (f"installed {len(self.packages)} npm packages + {self.generated} generated "
                f"files: {self.files} files, {mb:.1f} MB in {self.dest}")


def _npm_pack(npm: str, spec: str, workdir: Path) -> bytes:
    """Fetch one tarball with ``npm pack`` (asks only the npm registry)."""
    workdir.mkdir(parents=True)
    cmd = [npm, "pack", spec, "--pack-destination", str(workdir), "--ignore-scripts",
           "--silent"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except FileNotFoundError as e:
        raise AssetError(f"{npm!r} not found: install Node.js/npm to fetch map assets "
                         "(without them the app uses pinned CDN copies)") from e
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip()[-2000:]
        raise AssetError(f"npm pack {spec} failed (exit {proc.returncode}):\n{tail}")
    tgz = sorted(workdir.glob("*.tgz"))
    if len(tgz) != 1:
        raise AssetError(f"npm pack {spec}: expected one .tgz in {workdir}, found {len(tgz)}")
    return tgz[0].read_bytes()


def _tar_members(data: bytes, spec: str) -> dict[str, bytes]:
    """Regular files of a tarball, keyed by path without the top folder."""
    out: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for m in tar.getmembers():
            if not m.isfile():
                continue
            _, _, rel = m.name.partition("/")
            f = tar.extractfile(m)
            if rel and f is not None:
                out[rel] = f.read()
    if not out:
        raise AssetError(f"{spec}: tarball has no files")
    return out


def _write(stage: Path, rel: str, body: bytes) -> None:
    out = stage / rel
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(body)


def _fill_stage(stage: Path, lock: Lock, npm: str, say: Callable[[str], None], report: InstallReport) -> None:
    """Fetch, check and write every package and generated file into ``stage``."""
    inputs: dict[tuple[str, str], bytes] = {}
    with tempfile.TemporaryDirectory(prefix="conflictmap-npm-") as tmp:
        for n, pkg in enumerate(lock.packages):
            data = _npm_pack(npm, pkg.spec, Path(tmp) / str(n))
            got = npm_integrity(data)
            if got != pkg.integrity:
                raise IntegrityError(f"{pkg.spec} tarball", pkg.integrity, got)
            members = _tar_members(data, pkg.spec)
            size = 0
            for path, sha in {**pkg.files, **pkg.inputs}.items():
                if path not in members:
                    raise AssetError(f"{pkg.spec}: {path} is not in the tarball")
                body = members[path]
                if (h := sha256_hex(body)) != sha:
                    raise IntegrityError(f"{pkg.spec}/{path}", sha, h)
                if path in pkg.inputs:
                    inputs[(pkg.name, path)] = body
                if path in pkg.files:
                    _write(stage, f"{pkg.prefix}/{path}", body)
                    size += len(body)
            report.packages.append(PackageResult(pkg.spec, len(pkg.files), size))
            say(f"{pkg.spec:<40} integrity ok  {len(pkg.files):>2} files {size / 1e3:>8.1f} kB")
    for g in lock.generated:
        body = build_generated(g, inputs[(g.package, g.input)])
        if (h := sha256_hex(body)) != g.sha256:
            raise IntegrityError(f"generated {g.path}", g.sha256, h)
        _write(stage, g.path, body)
        report.generated += 1
        say(f"{g.path:<40} generated     {len(body) / 1e3:>17.1f} kB")


def install_assets(
    dest: Path = DEFAULT_STATIC_DIR,
    *,
    npm: str = "npm",
    progress: Callable[[str], None] | None = None,
    lock: Lock | None = None,
) -> InstallReport:
    """Fetch, verify and write every pinned asset into ``dest``, atomically.

    Nothing is fetched when ``dest`` already holds every file with its pinned hash.
    Otherwise everything is staged in a temp dir beside ``dest`` and swapped in only
    once all hashes match, so a failure leaves the previous install as it was.
    ``dest`` is owned by this function: it is replaced whole (files a lock no longer
    lists go with it).
    """
    dest = Path(dest)
    lock = current_lock(lock)
    say = progress or (lambda _msg: None)
    want = lock.expected_files()
    if not verify_install(dest, lock):
        report = InstallReport(dest, changed=False, files=len(want),
                               size=sum((dest / r).stat().st_size for r in want))
        say(report.summary())
        return report

    dest.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{dest.name}.stage-", dir=dest.parent))
    report = InstallReport(dest, changed=True)
    try:
        _fill_stage(stage, lock, npm, say, report)
        if problems := verify_install(stage, lock):
            raise AssetError("staged install failed verification:\n" + "\n".join(problems))
        swap_dir(stage, dest)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    report.files = len(want)
    report.size = sum((dest / r).stat().st_size for r in want)
    say(report.summary())
    return report
