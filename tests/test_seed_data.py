"""The bundled seed data: complete, faithful to the articles, and placed where the references say."""

import pandas as pd
import pytest
from geopy.distance import geodesic

from tests.conftest import SEEDS

# Reference coordinates from ../shared/research/seed-facts.md (WGS84).
REFERENCE = {
    "ain-issa": (36.3855, 38.86228),
    "hajin": (34.69508, 40.83138),
    "mayadin": (35.01982, 40.45154),
    "damascus": (33.5102, 36.29128),
    "baghouz-tahtani": (34.45861, 40.95056),  # the reference is Fawqani, the neighbouring village
    "hmeimim": (35.41167, 35.94500),
}

# Every distinct event the issue lists, as (what, words that must appear in its English title or summary).
REQUIRED_EVENTS = {
    "ain-issa-ied": "IED between Ain Issa and Brigade 93",
    "roundup-phase-two": "phase two announcement",
    "baghouz-tahtani-clashes": "Baghouz Tahtani clashes",
    "hajin-clashes": "Hajin clashes after midnight",
    "hajin-assault-halted": "failed storming of Hajin",
    "east-bank-fighting-halted": "halted fighting on the east bank",
    "mayadin-explosion": "Mayadin explosion",
    "assad-in-damascus": "Assad in Damascus until the early hours of 8 Dec",
    "assad-to-hmeimim": "move to Latakia / Hmeimim",
    "hmeimim-drone-attacks": "drone attacks on the base",
    "assad-evacuation-flight": "Moscow's evacuation request and the flight",
    "damascus-taken": "opposition announces Damascus taken",
    "assad-leaves-by-plane": "two officers: he left by plane",
    "kremlin-asylum": "Kremlin asylum announcement",
    "tunnel-strikes-northeast-syria": "strikes on tunnels and underground storage sites",
    "bashir-caretaker-government": "al-Bashir caretaker government",
}


def test_seed_data_loads_without_a_single_issue(seed):
    assert seed.issues == []


@pytest.mark.parametrize("event_id", REQUIRED_EVENTS)
def test_every_event_of_the_articles_is_present_with_claims(seed, event_id):
    assert event_id in set(seed.events["event_id"]), REQUIRED_EVENTS[event_id]
    assert (seed.claims["event_id"] == event_id).any(), f"no claim about {event_id}"


def test_every_arabic_quote_is_verbatim_in_its_article(seed):
    sources = seed.sources.set_index("source_id")
    checked = 0
    for _, c in seed.claims.iterrows():
        if not c["quote_ar"]:
            continue
        text_file = sources.at[c["source_id"], "text_file"]
        assert text_file, f"{c['claim_id']}: its source has no archived text to check the quote against"
        if not (SEEDS / text_file).is_file():
            pytest.fail(f"the source article {text_file} is not in {SEEDS}: put the project's shared folder beside "
                        "the repository, or set CONFLICTMAP_SEEDS to its seeds/ directory", pytrace=False)
        article = (SEEDS / text_file).read_text(encoding="utf-8")
        assert c["quote_ar"] in article, f"{c['claim_id']}: quote not found verbatim in {text_file}"
        checked += 1
    assert checked >= 15


def test_ain_issa_blast_is_contested_three_ways(seed):
    ev = seed.events.set_index("event_id").loc["ain-issa-ied"]
    assert ev["status"] == "contested"
    assert ev["place_list"] == ["ain-issa", "brigade-93"] and ev["place_relation"] == "between"
    claims = seed.claims[seed.claims["event_id"] == "ain-issa-ied"]
    stance = {c.split(" (")[0]: s for c, s in zip(claims["claimant"], claims["stance"], strict=True)}
    assert stance["Syrian Observatory for Human Rights"] == "asserts"
    assert stance["Syrian Democratic Forces"] == "denies"
    assert stance["US-led coalition"] == "acknowledges"
    assert ev["fatalities"] == 1


@pytest.mark.parametrize("place_id, ref", REFERENCE.items())
def test_places_plot_within_a_few_km_of_their_reference(seed, place_id, ref):
    p = seed.places.set_index("place_id").loc[place_id]
    assert geodesic((p["lat"], p["lon"]), ref).km < 5


def test_brigade_93_is_a_few_km_from_ain_issa_and_marked_inferred(seed):
    places = seed.places.set_index("place_id")
    b, a = places.loc["brigade-93"], places.loc["ain-issa"]
    assert geodesic((b["lat"], b["lon"]), (a["lat"], a["lon"])).km < 15
    assert b["coord_inferred"] and b["coord_precision_m"] >= 1000 and b["notes"]


def test_every_coordinate_and_inferred_value_says_where_it_came_from(seed):
    assert (seed.places["coord_source"] != "").all()
    assert seed.places["coord_precision_m"].notna().all()
    assert (seed.places.loc[seed.places["coord_inferred"], "notes"] != "").all()
    assert (seed.events.loc[seed.events["date_inferred"], "notes"] != "").all()
    assert (seed.events["source_id"] != "").all() and (seed.claims["source_id"] != "").all()


def test_assad_statement_is_marked_attributed(seed):
    assad = seed.claims[seed.claims["claimant"].str.contains("Assad")]
    assert len(assad) >= 4 and assad["attributed"].all()


def test_the_first_articles_date_is_inferred_as_tuesday_5_june_2018(seed):
    # research/seed-facts.md (corrected): AFP dated the blast Monday 4 June, so "yesterday" makes the article 5 June.
    src = seed.sources.set_index("source_id").loc["aawsat-2018-06-roundup"]
    assert src["published"] == pd.Timestamp("2018-06-05") and src["published_inferred"]
    assert "4 June" in src["notes"] and "lundi" in src["notes"]


# The corrected dates: (event, date_start, date_end). Anything resting on the old 3/4 June reading fails here.
CORRECTED_EVENT_DATES = [
    ("ain-issa-ied", "2018-06-04", "2018-06-04"),
    ("baghouz-tahtani-clashes", "2018-06-04", "2018-06-04"),
    ("hajin-clashes", "2018-06-03", "2018-06-03"),  # night of Saturday 2 - Sunday 3 June: a separate SOHR item
    ("roundup-phase-two", "2018-06-03", "2018-06-03"),  # the announcement came the day before the blast
    ("mayadin-explosion", "2018-06-01", "2018-06-04"),
    ("hajin-assault-halted", "2018-01-01", "2018-06-04"),
    ("east-bank-fighting-halted", "2018-01-01", "2018-06-04"),
]


@pytest.mark.parametrize("event_id, start, end", CORRECTED_EVENT_DATES)
def test_event_dates_follow_the_corrected_publication_date(seed, event_id, start, end):
    ev = seed.events.set_index("event_id").loc[event_id]
    assert (ev["date_start"], ev["date_end"]) == (pd.Timestamp(start), pd.Timestamp(end))
    assert "2018-06-04 (sources.csv" not in ev["notes"], "a note still gives the old publication date"


@pytest.mark.parametrize("claim_id, day", [
    ("c-ain-issa-ied-sohr", "2018-06-04"), ("c-ain-issa-ied-sohr-death", "2018-06-04"),
    ("c-ain-issa-ied-coalition", "2018-06-04"), ("c-ain-issa-ied-sdf", "2018-06-04"),
    ("c-baghouz-tahtani-clashes-sohr", "2018-06-04"), ("c-sdf-takes-raqqa-aawsat", "2018-06-05"),
])
def test_claim_dates_follow_the_corrected_publication_date(seed, claim_id, day):
    assert seed.claims.set_index("claim_id").at[claim_id, "claim_date"] == pd.Timestamp(day)


def test_the_ain_issa_story_dates_the_blast_4_june_and_the_announcement_the_day_before(seed):
    steps = seed.story_steps[seed.story_steps["story_id"] == "ain-issa"].set_index("step")
    assert steps.at[1, "caption_en"].startswith("4 June 2018")
    assert "same day" not in steps.at[5, "caption_en"].lower()
    assert "the day before" in steps.at[5, "caption_en"].lower()


def test_borrowed_date_bounds_are_gone_or_explained(seed):
    events = seed.events.set_index("event_id")
    for event_id in ("iraqi-border-reinforcement", "hajin-assault-halted", "east-bank-fighting-halted"):
        ev = events.loc[event_id]
        assert ev["date_start"] != pd.Timestamp("2018-05-01"), f"{event_id} still starts on Roundup's first day"
        assert ev["date_precision"] == "year" and "lower bound" in ev["notes"]
    assert events.at["assad-in-damascus", "date_start"] == pd.Timestamp("2024-12-08")


def test_an_attributed_denial_alone_leaves_the_event_unverified(seed):
    ev = seed.events.set_index("event_id").loc["assad-planned-departure"]
    claims = seed.claims[seed.claims["event_id"] == "assad-planned-departure"]
    assert set(claims["stance"]) == {"denies"} and claims["attributed"].all()
    assert ev["status"] == "unverified"


def test_the_mayadin_explosion_is_typed_by_what_is_known(seed):
    ev = seed.events.set_index("event_id").loc["mayadin-explosion"]
    assert ev["sub_event_type"] != "Air/drone strike", "the article says the cause is unknown"
    assert "unknown" in ev["title_en"].lower()


def test_the_army_collapse_is_placed_at_the_country(seed):
    ev = seed.events.set_index("event_id").loc["army-collapse"]
    assert ev["place_list"] == ["syria"] and ev["geo_precision"] == 3


def test_moscows_request_stays_in_assads_quote(seed):
    quote = seed.claims.set_index("claim_id").at["c-assad-leaves-by-plane-assad", "quote_ar"]
    assert quote.startswith("طلبت موسكو من قيادة القاعدة العمل على")


def test_the_ain_issa_death_rests_on_a_sohr_span_and_the_title_says_reportedly(seed):
    ev = seed.events.set_index("event_id").loc["ain-issa-ied"]
    assert "reportedly" in ev["title_en"] and ev["fatalities"] == 1
    death = seed.claims.set_index("claim_id").loc["c-ain-issa-ied-sohr-death"]
    assert "أودى بحياة مقاتل" in death["quote_ar"] and death["claimant"].startswith("Syrian Observatory")


def test_the_tunnel_strikes_are_their_own_event_with_their_claim(seed):
    claims = seed.claims.set_index("claim_id")
    assert claims.at["c-tunnel-strikes-northeast-syria-funk", "event_id"] == "tunnel-strikes-northeast-syria"
    assert "الأنفاق" in claims.at["c-tunnel-strikes-northeast-syria-funk", "quote_ar"]
    assert "الأنفاق" not in claims.at["c-roundup-phase-two-funk", "quote_ar"]
