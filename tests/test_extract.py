"""The extraction engine's parts, as a reader of the drafts would notice them: dates, places, quotes, actors."""

import datetime as dt

import pytest

from conflictmap.extract import Extractor
from conflictmap.extract.article import ArticleError, detect_language, make_article, read_article
from conflictmap.extract.dates import find_dates
from conflictmap.extract.fold import fold, tokens
from conflictmap.extract.quotes import quote_spans
from tests.conftest import REPO


@pytest.fixture(scope="module")
def ex():
    return Extractor(REPO)


def dates(s: str, ref: str):
    return [(d.date_start.isoformat(), d.date_end.isoformat(), d.precision, d.role)
            for d in find_dates(s, fold(s), dt.date.fromisoformat(ref))]


# --- dates: resolved against the reference, with the precision they imply -------------

@pytest.mark.parametrize("text, ref, expected", [
    ("انفجرت عبوة أمس", "2018-06-05", ("2018-06-04", "2018-06-04", "day", "")),
    ("وقعت الاشتباكات أول أمس", "2018-06-06", ("2018-06-04", "2018-06-04", "day", "")),
    ("وقعت الاشتباكات أول من أمس", "2018-06-06", ("2018-06-04", "2018-06-04", "day", "")),
    ("قال اليوم", "2018-06-05", ("2018-06-05", "2018-06-05", "day", "")),
    # 5 March 2019 is a Tuesday: the Sunday before is the 3rd
    ("غارات فجر الأحد", "2019-03-05", ("2019-03-03", "2019-03-03", "day", "")),
    ("مساء الثلاثاء", "2019-03-05", ("2019-03-05", "2019-03-05", "day", "")),
    ("ليلة الجمعة - السبت", "2019-03-05", ("2019-03-01", "2019-03-02", "day", "")),
    ("بعد منتصف ليل السبت - الأحد", "2018-06-05", ("2018-06-03", "2018-06-03", "day", "")),
    ("في السادس من ديسمبر", "2024-12-16", ("2024-12-06", "2024-12-06", "day", "")),
    ("في السادس من ديسمبر", "2024-03-01", ("2023-12-06", "2023-12-06", "day", "")),
    ("يوم الأحد 8 ديسمبر (كانون الأول)", "2024-12-16", ("2024-12-08", "2024-12-08", "day", "")),
    ("في ٦ كانون الأول ٢٠٢٣", "2024-06-05", ("2023-12-06", "2023-12-06", "day", "")),
    ("في 6 كانون الأول 2023", "2024-06-05", ("2023-12-06", "2023-12-06", "day", "")),
    ("في الحادي والعشرين من آذار", "2024-06-05", ("2024-03-21", "2024-03-21", "day", "")),
    ("منذ يونيو 2018", "2024-06-05", ("2018-06-01", "2018-06-30", "month", "")),
    ("حتى الأول من مارس (آذار) 2025", "2024-12-16", ("2025-03-01", "2025-03-01", "day", "until")),
    ("SOHR said on Monday", "2018-06-06", ("2018-06-04", "2018-06-04", "day", "")),
    ("the blast yesterday", "2018-06-06", ("2018-06-05", "2018-06-05", "day", "")),
    ("on 16 December 2024", "2024-12-20", ("2024-12-16", "2024-12-16", "day", "")),
])
def test_dates(text, ref, expected):
    assert dates(text, ref) == [expected]


def test_the_day_after_and_one_day_are_not_dates():
    assert dates("غادرت في اليوم التالي لسقوط دمشق", "2024-12-16") == []
    assert dates("لم أكن في يوم من الأيام من الساعين", "2024-12-16") == []


def test_a_full_date_is_one_date_not_a_weekday_and_a_date():
    assert dates("مساء يوم الأحد 8 ديسمبر", "2024-12-16") == [("2024-12-08", "2024-12-08", "day", "")]


def test_date_offsets_point_at_the_words_even_with_diacritics_and_eastern_digits():
    s = "وقعت الضربة أَمْسِ، وفي ٦ كانون الأول ٢٠٢٣ أيضاً"
    found = find_dates(s, fold(s), dt.date(2024, 6, 5))
    assert [s[d.start:d.end] for d in found] == ["أَمْسِ", "٦ كانون الأول ٢٠٢٣"]


# --- places ----------------------------------------------------------------------------

def places(ex, s):
    return [(p.name, p.place_id, p.kind) for p in ex.places.find(s, tokens(fold(s)))]


def test_upper_baghouz_is_never_merged_into_lower_baghouz(ex):
    for s, name in (("اشتباكات قرب الباغوز الفوقاني", "الباغوز الفوقاني"),
                    ("clashes near Upper Baghouz", "Upper Baghouz")):
        assert places(ex, s) == [(name, "", "village")], s
    assert places(ex, "اشتباكات في الباغوز التحتاني") == [("الباغوز التحتاني", "baghouz-tahtani", "village")]
    assert places(ex, "clashes in Lower Baghouz") == [("Lower Baghouz", "baghouz-tahtani", "village")]


def test_regions_are_regions_not_towns(ex):
    assert places(ex, "في ريف دير الزور") == [("ريف دير الزور", "", "region")]
    assert places(ex, "قوات شرق الفرات") == [("شرق الفرات", "", "region")]
    assert places(ex, "في ريف دير الزور الشرقي") == [("ريف دير الزور الشرقي", "deir-ez-zor-east-bank", "region")]
    assert places(ex, "في محافظة الرقة") == [("محافظة الرقة", "", "region")]


def test_gazetteer_first_with_clitics_then_geonames_with_arabic_names(ex):
    assert places(ex, "اشتباكات بهجين") == [("بهجين", "hajin", "town")]
    assert places(ex, "قرب قاعدة حميميم") == [("قاعدة حميميم", "hmeimim", "airbase")]
    found = ex.places.find("اشتباكات في مدينة منبج", tokens(fold("اشتباكات في مدينة منبج")))
    assert len(found) == 1 and found[0].source == "GeoNames" and found[0].geonames_id and not found[0].place_id


def test_a_name_inside_an_actor_is_not_a_place(ex):
    out = ex.extract(make_article("وشكلت المعارضة بقيادة «هيئة تحرير الشام» حكومة انتقالية.", "2024-12-16",
                                  outlet="Test Wire"))
    assert all(p["place_id"] != "damascus" for e in out["events"] for p in e["places"])


# --- quotes, article ----------------------------------------------------------------------

def test_short_guillemet_spans_are_names_long_ones_statements():
    s = "وقال «المرصد»: «انفجرت عبوة ناسفة قرب القاعدة»، وفق «قسد»."
    spans = [(s[q.start:q.end], q.statement) for q in quote_spans(s)]
    assert spans == [("المرصد", False), ("انفجرت عبوة ناسفة قرب القاعدة", True), ("قسد", False)]


def test_html_is_reduced_to_text_and_the_hash_is_of_that_text(tmp_path):
    page = tmp_path / "a.html"
    page.write_text("<html><head><title>t</title><script>var x='قال';</script></head><body><p>قال «المرصد» "
                    "إن اشتباكات عنيفة اندلعت أمس في هجين.</p><p>ثانياً &amp; أخيراً</p></body></html>",
                    encoding="utf-8")
    art = read_article(page, "2018-06-05")
    assert "var x" not in art.text and "<p>" not in art.text
    assert "قال «المرصد» إن اشتباكات" in art.text and "ثانياً & أخيراً" in art.text
    assert art.language == "ar" and art.source_sha256 and art.source_sha256 != art.sha256
    import hashlib
    assert art.sha256 == hashlib.sha256(art.text.encode("utf-8")).hexdigest()


def test_text_is_kept_unchanged_and_language_detected():
    text = "SOHR said clashes broke out in Hajin yesterday.\n\n"
    art = make_article(text, "2018-06-05")
    assert art.text == text and art.language == "en"
    assert detect_language("قال المرصد إن اشتباكات (SOHR) اندلعت") == "ar"


@pytest.mark.parametrize("kw, message", [
    ({"text": "   "}, "empty"),
    ({"published": "05/06/2018"}, "YYYY-MM-DD"),
    ({"precision": "week"}, "precision"),
    ({"language": "fr"}, "only ar and en"),
])
def test_bad_article_input_is_a_clear_error(kw, message):
    args = {"text": "نص", "published": "2018-06-05", **kw}
    with pytest.raises(ArticleError, match=message):
        make_article(args.pop("text"), args.pop("published"), **args)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ArticleError, match=r"nothere\.txt"):
        read_article(tmp_path / "nothere.txt", "2018-06-05")


# --- actors and stance cues -------------------------------------------------------------------

def claims_of(out):
    return [(c["actor_id"], c["stance"], c["attributed"]) for e in out["events"] for c in e["claims"]]


def test_no_comment_is_never_a_denial(ex):
    out = ex.extract(make_article("قال «المرصد السوري لحقوق الإنسان» إن انفجاراً وقع أمس في بلدة هجين. "
                                  "ولم يصدر على الفور أي تعليق من «قوات سوريا الديمقراطية».", "2018-06-05"))
    assert ("sdf", "no_comment", False) in claims_of(out)
    assert not any(s == "denies" for _, s, _ in claims_of(out))


def test_claims_responsibility_and_the_hedge(ex):
    out = ex.extract(make_article("انفجرت عبوة ناسفة أمس في بلدة هجين، بحسب «المرصد السوري». وفي بيان منسوب إلى "
                                  "تنظيم «داعش»، تبنّى التنظيم التفجير.", "2018-06-05"))
    assert ("isis", "claims_responsibility", True) in claims_of(out)
    assert ("sohr", "asserts", False) in claims_of(out)


def test_claiming_responsibility_is_not_itself_a_hedge(ex):
    out = ex.extract(make_article("Islamic State claimed responsibility for the attack on an SDF patrol in Hajin "
                                  "yesterday.", "2018-06-05"))
    assert ("isis", "claims_responsibility", False) in claims_of(out)


def test_a_claim_introduced_by_zaama_is_attributed(ex):
    out = ex.extract(make_article("وزعمت «وزارة الدفاع الروسية» أن طائراتها شنت غارات على مواقع للمسلحين قرب "
                                  "مدينة سراقب أمس.", "2020-01-05"))
    assert ("russia-mod", "asserts", True) in claims_of(out)


def test_a_spokesperson_speaks_for_the_organisation_and_to_afp_is_the_channel(ex):
    out = ex.extract(make_article("وقال مدير «المرصد» رامي عبد الرحمن لوكالة الصحافة الفرنسية: «اندلعت اشتباكات "
                                  "عنيفة في بلدة هجين فجر الأحد».", "2018-06-05"))
    (c,) = [c for e in out["events"] for c in e["claims"]]
    assert (c["actor_id"], c["spokesperson"], c["channel"]) == ("sohr", "Rami Abdulrahman, director", "to AFP")
    assert c["quote"] == "اندلعت اشتباكات عنيفة في بلدة هجين فجر الأحد"


def test_the_actors_table_is_extended_by_a_user_file(tmp_path):
    user = tmp_path / "actors.csv"
    user.write_text("actor_id,name_en,name_ar,kind,parent,role_en,channel_en,aliases\n"
                    "hamza,Hamza Division,فرقة الحمزة,armed_group,,,,فرقة الحمزة;Hamza Division\n", encoding="utf-8")
    ex2 = Extractor(REPO, actors_file=user)
    out = ex2.extract(make_article("ونفت «فرقة الحمزة» وقوع اشتباكات في منبج.", "2020-01-05"))
    assert ("hamza", "denies", False) in claims_of(out)
    bad = tmp_path / "bad.csv"
    bad.write_text("actor_id,name_en\nx,X\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.csv"):
        Extractor(REPO, actors_file=bad)


def test_yesterday_is_no_more_precise_than_the_publication_date(ex):
    text = "قال «المرصد السوري» إن اشتباكات عنيفة اندلعت أمس في بلدة هجين."
    (d,) = ex.extract(make_article(text, "2018-06-15", precision="month"))["events"]
    assert (d["date_start"], d["date_end"], d["date_precision"]) == ("2018-05-25", "2018-06-30", "month")
    (d,) = ex.extract(make_article(text, "2018-06-15"))["events"]
    assert (d["date_start"], d["date_precision"]) == ("2018-06-14", "day")


def test_a_quote_date_is_relative_to_the_statement_not_the_article(ex):
    out = ex.extract(make_article("وقال «المرصد السوري» يوم الأحد: «سقطت قذائف على بلدة هجين أمس».", "2019-03-05"))
    (d,) = out["events"]
    assert (d["date_start"], d["claims"][0]["claim_date"]) == ("2019-03-02", "2019-03-03")


# --- structure -------------------------------------------------------------------------------------

def test_the_extractor_is_core_code_offline_and_reaches_the_geocoder_through_one_module():
    import re
    import subprocess
    import sys

    code = ("import sys, socket\n"
            "def refuse(*a, **k): raise AssertionError('network use')\n"
            "socket.socket.connect = refuse\n"
            "from conflictmap.extract import extract\n"
            "out = extract('قال «المرصد السوري» إن اشتباكات اندلعت أمس في هجين.', '2018-06-05', data_dir='.')\n"
            "assert out['events'] and 'streamlit' not in sys.modules\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    package = REPO / "conflictmap" / "extract"
    imports = re.compile(r"^\s*(?:from|import)\s+[\w.]*geocode", re.MULTILINE)
    users = [p.name for p in package.glob("*.py") if imports.search(p.read_text(encoding="utf-8"))]
    assert users == ["geo.py"]
