"""The two shipped stories and what each step makes the map do."""

from geopy.distance import geodesic

from conflictmap.stories import step_view, story_lengths, story_path


def test_two_stories_ship_with_the_seed_data(seed):
    lengths = story_lengths(seed)
    assert set(lengths) >= {"ain-issa", "assad-exit"}
    titles = seed.stories.set_index("story_id")["title_en"]
    assert titles["ain-issa"] == "Ain Issa: a blast, a claim and a denial"
    assert titles["assad-exit"].startswith("Assad's exit: Damascus → Hmeimim → Moscow")


def test_ain_issa_story_walks_claim_then_denial_then_non_answer(seed):
    stances = seed.claims.set_index("claim_id")["stance"]
    steps = [step_view(seed, "ain-issa", i) for i in range(1, story_lengths(seed)["ain-issa"] + 1)]
    highlighted = [stances[s.claim_id] for s in steps if s.claim_id]
    assert highlighted[:3] == ["asserts", "denies", "acknowledges"]
    first = steps[0]
    assert first.event_id == "ain-issa-ied" and first.date_from.year == 2018 and first.zoom >= 8


def test_assad_story_moves_damascus_hmeimim_moscow(seed):
    places = seed.places.set_index("place_id")
    path = story_path(seed, "assad-exit")

    def near(pt, pid):
        return geodesic(pt, (places.at[pid, "lat"], places.at[pid, "lon"])).km < 20

    order = [pid for pt in path for pid in ("damascus", "hmeimim", "moscow") if near(pt, pid)]
    assert order == ["damascus", "hmeimim", "moscow"]


def test_assad_story_says_the_account_is_attributed(seed):
    captions = " ".join(step_view(seed, "assad-exit", i).caption_en
                        for i in range(1, story_lengths(seed)["assad-exit"] + 1))
    assert "attributed" in captions.lower()


def test_a_step_sets_the_window_to_the_events_period(seed):
    sv = step_view(seed, "assad-exit", 1)
    assert sv.date_from <= seed.events.set_index("event_id").at["damascus-taken", "date_start"].date() <= sv.date_to
    assert sv.date_from.year == 2024
