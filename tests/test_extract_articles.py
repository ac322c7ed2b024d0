"""Whole articles read into drafts: our own test articles, the seed articles against the ledger, and the CLI."""

import hashlib
import json
import subprocess
import sys

import pytest

from conflictmap.extract import Extractor
from conflictmap.extract.article import make_article, read_article
from tests.conftest import REPO, SEEDS

ARTICLES = REPO / "tests" / "data" / "articles"
SPEC = {k: v for k, v in json.loads((ARTICLES / "expectations.json").read_text(encoding="utf-8")).items()
        if not k.startswith("_")}


@pytest.fixture(scope="module")
def ex():
    return Extractor(REPO)


@pytest.fixture(scope="module")
def results(ex):
    out = {}
    for name, spec in SPEC.items():
        art = read_article(ARTICLES / name, spec["published"], outlet=spec["outlet"])
        out[name] = (art, ex.extract(art))
    return out


def ident(p):
    return p["place_id"] or f"name:{p['name']}"


def find_draft(drafts, quote_has):
    found = [d for d in drafts if any(quote_has in c["quote"] for c in d["claims"])]
    assert found, f"no draft has a claim quoting {quote_has!r}"
    return found[0]


@pytest.mark.parametrize("name", SPEC)
def test_every_quote_is_verbatim_at_its_offsets(results, name):
    art, out = results[name]
    assert out["article"]["sha256"] == art.sha256
    for d in out["events"]:
        for c in d["claims"]:
            assert art.text[c["start"]:c["end"]] == c["quote"]


@pytest.mark.parametrize("name", SPEC)
def test_drafts_have_the_expected_places_dates_claims_and_match(results, name):
    _, out = results[name]
    assert out["article"]["language"] == SPEC[name]["language"]
    for want in SPEC[name]["drafts"]:
        d = find_draft(out["events"], want["claims"][0]["quote_has"])
        assert {ident(p) for p in d["places"] if p["kind"] != "country"} >= set(want["places"]), d["places"]
        assert d["background"] == want["background"]
        if "date_start" in want:
            assert (d["date_start"], d["date_end"]) == (want["date_start"], want["date_end"])
        assert (d["match"] or {}).get("event_id") == want["match"], d["match"]
        for key in ("fatalities", "weapon"):
            if key in want:
                assert d[key] == want[key]
        for kind in want.get("disagree", []):
            assert any(x.startswith(kind) for x in d["disagreements"]), d["disagreements"]
        got = {(c["actor_id"], c["stance"], c["attributed"]) for c in d["claims"]}
        for c in want["claims"]:
            assert (c["actor_id"], c["stance"], c["attributed"]) in got, (c, got)


def test_upper_baghouz_never_takes_lower_baghouz_id(results):
    _, out = results["baghouz_ar.txt"]
    for d in out["events"]:
        for p in d["places"]:
            if "الفوقاني" in p["name"]:
                assert p["place_id"] is None and p["lat"] is None


def test_background_fact_is_not_dated_on_the_article_day(results):
    art, out = results["baghouz_ar.txt"]
    (bg,) = [d for d in out["events"] if d["background"]]
    assert bg["date_end"] < art.published.isoformat()


def test_second_report_shows_how_it_disagrees_with_the_first(results):
    _, out = results["ain_issa_second_report_ar.txt"]
    (d,) = out["events"]
    assert d["match"]["event_id"] == "ain-issa-ied" and d["match"]["reasons"]
    assert "fatalities: 4 in this report, 1 on record (ain-issa-ied)" in d["disagreements"]
    assert "weapon: car bomb in this report, roadside bomb on record (ain-issa-ied)" in d["disagreements"]


# --- the seed articles against the hand-coded ledger ----------------------------------------------

SEED_PUBLISHED = {"aawsat-2018-06-roundup": "2018-06-05", "aawsat-2024-12-assad-statement": "2024-12-16"}


@pytest.fixture(scope="module")
def seed_drafts(ex, seed):
    sources = seed.sources.set_index("source_id")
    name = sources.at["aawsat-2018-06-roundup", "text_file"]
    if not (SEEDS / name).is_file():
        pytest.fail(f"the source article {name} is not in {SEEDS}: put the project's shared folder beside the "
                    "repository, or set CONFLICTMAP_SEEDS to its seeds/ directory", pytrace=False)
    text = (SEEDS / name).read_text(encoding="utf-8")
    starts = sorted((text.find(sources.at[sid, "title"]), sid) for sid in SEED_PUBLISHED)
    out = {}
    for k, (start, sid) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(text)
        art = make_article(text[start:end], SEED_PUBLISHED[sid], outlet="Asharq Al-Awsat")
        out[sid] = (art, ex.extract(art))
    return out


def test_seed_ain_issa_blast_is_dated_and_matched_and_its_stances_are_right(seed_drafts):
    _, out = seed_drafts["aawsat-2018-06-roundup"]
    (d,) = [d for d in out["events"] if d["match"] and d["match"]["event_id"] == "ain-issa-ied"]
    assert (d["date_start"], d["date_end"], d["date_precision"]) == ("2018-06-04", "2018-06-04", "day")
    assert {p["place_id"] for p in d["places"]} >= {"ain-issa", "brigade-93"}
    stances = {c["actor_id"]: c for c in d["claims"]}
    assert stances["sohr"]["stance"] == "asserts" and stances["sohr"]["channel"] == "to AFP"
    assert stances["sohr"]["spokesperson"].startswith("Rami Abdulrahman")
    assert stances["coalition"]["stance"] == "acknowledges"  # "aware of reports", not a denial
    assert stances["sdf"]["stance"] == "denies"
    assert "نحن على علم بتقارير" in stances["coalition"]["quote"]


def test_seed_places_of_the_brief_and_verbatim_quotes(seed_drafts):
    found = set()
    for art, out in seed_drafts.values():
        for d in out["events"]:
            found |= {p["place_id"] for p in d["places"]}
            for c in d["claims"]:
                assert art.text[c["start"]:c["end"]] == c["quote"]
    assert found >= {"ain-issa", "brigade-93", "hajin", "baghouz-tahtani", "mayadin", "damascus", "hmeimim"}


def test_seed_statement_attributed_to_assad_is_attributed(seed_drafts):
    _, out = seed_drafts["aawsat-2024-12-assad-statement"]
    assad = [c for d in out["events"] for c in d["claims"] if c["actor_id"] == "assad"]
    assert len(assad) >= 5 and all(c["attributed"] for c in assad)
    assert any(c["stance"] == "denies" and "مخطَّط" in c["quote"] for c in assad)
    others = [c for d in out["events"] for c in d["claims"] if c["actor_id"] in ("kremlin", "syrian-opposition")]
    assert others and not any(c["attributed"] for c in others)


# --- command line ---------------------------------------------------------------------------------

def run(*args):
    return subprocess.run([sys.executable, "-m", "conflictmap", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=120)


def test_cli_extract_writes_the_drafts_json_contract(tmp_path):
    out = tmp_path / "drafts.json"
    r = run("extract", str(ARTICLES / "ain_issa_car_bomb_en.txt"), "--published", "2018-06-06",
            "--outlet", "Test Wire", "--url", "https://example.org/a", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "1 matched to existing events" in r.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {"sha256", "published", "outlet", "url", "language"} <= set(data["article"])
    assert data["article"]["published"] == "2018-06-06" and data["article"]["language"] == "en"
    (d,) = data["events"]
    assert {"draft_id", "title_en", "title_ar", "date_start", "date_end", "date_precision", "event_type",
            "sub_event_type", "background", "places", "match", "claims"} <= set(d)
    assert d["match"]["event_id"] == "ain-issa-ied"
    c = d["claims"][0]
    assert {"claimant", "claimant_ar", "spokesperson", "channel", "stance", "attributed", "quote", "start", "end",
            "claim_date", "cue"} <= set(c)
    text = (ARTICLES / "ain_issa_car_bomb_en.txt").read_text(encoding="utf-8")
    assert data["article"]["text"] == text  # what the offsets point into travels with the drafts
    assert data["article"]["sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert all(text[c["start"]:c["end"]] == c["quote"] for c in d["claims"])


def test_cli_extract_errors_are_clear_and_write_nothing(tmp_path):
    out = tmp_path / "drafts.json"
    r = run("extract", str(tmp_path / "missing.txt"), "--published", "2018-06-06", "--out", str(out))
    assert r.returncode == 2 and "missing.txt" in r.stderr and not out.exists()
    r = run("extract", str(ARTICLES / "baghouz_ar.txt"), "--published", "5 March", "--out", str(out))
    assert r.returncode == 2 and "YYYY-MM-DD" in r.stderr and not out.exists()


def test_cli_help_names_the_contract():
    r = run("extract", "--help")
    assert r.returncode == 0
    for word in ("--published", "--outlet", "--url", "--data", "--out", "text[start:end]", "offline"):
        assert word in r.stdout
