"""The interface's message catalogue: every key in both languages, every key the code asks for present."""

from __future__ import annotations

import ast
import re

import pytest

from conflictmap.i18n import AR, EN, t
from tests.conftest import REPO

CODE = [REPO / "app.py", *sorted((REPO / "pages").glob("*.py")), *sorted((REPO / "ui").glob("*.py")),
        *sorted((REPO / "conflictmap").rglob("*.py"))]
# t("key"...) and t(f"prefix.{x}"...): a literal key, or the literal prefix of a computed one.
CALL = re.compile(r"""\bt\(\s*(f?)(["'])([^"'{]+)(\{?)""")


def used_keys() -> tuple[set[str], set[str]]:
    """(literal keys, prefixes of computed keys) the code passes to t()."""
    keys, prefixes = set(), set()
    for path in CODE:
        for f, _, text, brace in CALL.findall(path.read_text(encoding="utf-8")):
            (prefixes if f and brace else keys).add(text)
    return keys, prefixes


def test_arabic_has_every_english_key_and_no_other():
    assert sorted(set(EN) - set(AR)) == [], "missing from the Arabic catalogue"
    assert sorted(set(AR) - set(EN)) == [], "in the Arabic catalogue only"


def test_every_arabic_message_is_arabic_and_keeps_the_placeholders():
    for key, en in EN.items():
        ar = AR[key]
        assert sorted(re.findall(r"\{(\w+)\}", en)) == sorted(re.findall(r"\{(\w+)\}", ar)), key
        letters = re.sub(r"\{\w+\}|[^\w]|[\d_]", "", ar)
        if letters and ar != en:  # a brand name (OpenStreetMap) stays as it is
            assert re.search(r"[\u0600-\u06FF]", ar), f"{key}: {ar!r} has no Arabic"


def test_the_code_uses_only_keys_in_the_catalogue():
    keys, prefixes = used_keys()
    assert len(keys) > 40, "the scan found too few t() calls: the pattern no longer matches the code"
    assert sorted(keys - set(EN)) == []
    for prefix in prefixes:
        assert any(k.startswith(prefix) for k in EN), f"no key starts with {prefix!r}"


def test_unknown_key_fails_loudly_and_values_fill_in():
    with pytest.raises(KeyError):
        t("no.such.key", "ar")
    assert t("map.shown", "en", n=3, total=5) == "3 of 5 events shown"
    assert t("map.shown", "ar", n=3, total=5).startswith("3 من 5")


# --- every user-visible string literal of the Streamlit layer goes through the catalogue ------------------------

# Calls that put text on the page: st.title(...), sb.button(...), tabs[0].metric(...), st.column_config.TextColumn(...).
DISPLAY = {"title", "header", "subheader", "caption", "markdown", "write", "text", "button", "download_button",
           "form_submit_button", "link_button", "page_link", "selectbox", "multiselect", "radio", "checkbox", "toggle",
           "segmented_control", "pills", "text_input", "text_area", "number_input", "date_input", "time_input",
           "file_uploader", "slider", "select_slider", "info", "warning", "error", "success", "toast", "exception",
           "expander", "tabs", "popover", "metric", "progress", "spinner", "status", "Page", "Column", "TextColumn",
           "NumberColumn", "CheckboxColumn", "DateColumn", "DatetimeColumn", "LinkColumn", "ListColumn",
           "SelectboxColumn", "ProgressColumn", "ImageColumn"}
# The arguments that are text for the reader: the first positional one (label or body) and these keywords.
TEXT_KEYWORDS = {"label", "body", "help", "placeholder", "text", "caption", "title", "format_func"}
# Streamlit-layer files left out of the scan (none: keep it that way).
NOT_YET: set[str] = set()  # every file of the Streamlit layer is scanned
# Literals that are meant to stay as they are, each with its reason: (file, text).
ALLOWED = {
    # The language switch's own label is collapsed (never shown) and must not change with the language: a widget
    # whose label changes is a new widget to Streamlit, and the choice would be lost on the switch itself.
    ("pages/map.py", "Language"),
    # The language switch names each language in that language, whichever is chosen (as language menus do).
    ("pages/map.py", "EN"), ("pages/map.py", "عربي"),
}
LOGGERS = {"log", "logger", "logging", "warnings"}
LETTERS = re.compile(r"[A-Za-z\u0600-\u06FF]{2,}")


def _texts(node: ast.AST):
    """The literal text pieces an argument expression shows as they are (not those coming out of t(...))."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):  # an f-string: its literal parts; its {values} are checked in turn
        for part in node.values:
            if isinstance(part, ast.Constant):
                yield part.value
            else:
                yield from _texts(part.value)
    elif isinstance(node, ast.IfExp):
        yield from _texts(node.body)
        yield from _texts(node.orelse)
    elif isinstance(node, ast.BinOp):
        yield from _texts(node.left)
        yield from _texts(node.right)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _texts(value)
    elif isinstance(node, (ast.List, ast.Tuple)):
        for element in node.elts:
            yield from _texts(element)
    elif isinstance(node, ast.Lambda):  # format_func=lambda v: "leave blank" if ... else ...
        yield from _texts(node.body)
    elif isinstance(node, ast.Dict):  # format_func={"en": "EN", ...}.get: a mapping's values are shown
        for value in node.values:
            yield from _texts(value)
    elif isinstance(node, ast.Attribute):
        yield from _texts(node.value)
    # t(...), label(...), names, subscripts and other calls: text from the catalogue or from the data


def bypassing_literals(source: str, name: str) -> list[tuple[int, str]]:
    """(line, text) of every literal with words in it that a display call in ``source`` shows as it is."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute) or node.func.attr not in DISPLAY:
            continue
        if isinstance(node.func.value, ast.Name) and node.func.value.id in LOGGERS:
            continue  # log.warning(...): the operator's log, not the page
        # st.Page's first argument is the page's script, not text
        args = [*node.args[:1 if node.func.attr != "Page" else 0],
                *(k.value for k in node.keywords if k.arg in TEXT_KEYWORDS)]
        for arg in args:
            for text in _texts(arg):
                if LETTERS.search(text) and (name, text) not in ALLOWED:
                    found.append((node.lineno, text))
    return found


STREAMLIT_LAYER = [p for p in (REPO / "app.py", *sorted((REPO / "pages").glob("*.py")),
                               *sorted((REPO / "ui").glob("*.py")))
                   if p.relative_to(REPO).as_posix() not in NOT_YET]


@pytest.mark.parametrize("path", STREAMLIT_LAYER, ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_interface_string_bypasses_the_catalogue(path):
    name = path.relative_to(REPO).as_posix()
    assert bypassing_literals(path.read_text(encoding="utf-8"), name) == [], \
        f"{name}: put these in conflictmap/i18n/en.py and ar.py and show them with t(...)"


def test_the_scan_finds_literals_in_every_form_it_checks():
    # The scan itself: each of these shows English text as it is, and must be found; t(...) and data must not.
    source = '''
st.title("Claims")
st.caption(f"{n} claims shown")
c[0].metric("Rows rejected", 3)
sb.button(t("x"), help=f"{a} to {b}")
st.radio(t("x"), opts, format_func=lambda v: "leave blank" if v is None else v)
st.tabs(["Events", t("y")])
st.column_config.TextColumn("quote (Arabic)")
st.error("Failed: " + str(exc))
st.markdown(f"**{t('a')}** · {value}")
st.dataframe(table, column_config=cfg)
'''
    assert [text for _, text in bypassing_literals(source, "x.py")] == [
        "Claims", " claims shown", "Rows rejected", " to ", "leave blank", "Events", "quote (Arabic)", "Failed: "]


# Messages that read the same in both languages (code, file names, brand names), each with its reason.
SAME_IN_BOTH = {
    "timeline.period",  # "{label} ({n})": only values, no words
}


def test_every_message_has_a_real_arabic_translation():
    for key, en in EN.items():
        ar = AR[key].strip()
        assert ar, f"{key}: the Arabic message is empty"
        if key not in SAME_IN_BOTH:
            assert ar != en.strip(), f"{key}: the Arabic message is the English one"
        if LETTERS.search(re.sub(r"\{\w+\}|`[^`]*`", "", en)):  # English words to translate
            assert re.search(r"[\u0600-\u06FF]", ar), f"{key}: {ar!r} has no Arabic"


def test_no_placeholder_shares_a_name_with_the_language_parameter():
    # t("article.text_facts", language=...) once filled the language argument instead of the placeholder.
    for key, en in EN.items():
        assert not {"key", "lang", "language"} & set(re.findall(r"\{(\w+)\}", en)), key


def test_every_acled_type_and_sub_type_has_a_reader_label_in_both_languages():
    from conflictmap.schema import ACLED_TAXONOMY

    for event_type, subs in ACLED_TAXONOMY.items():
        assert EN[f"etype.{event_type}"] == event_type and AR[f"etype.{event_type}"] != event_type
        for sub in subs:
            assert EN[f"subtype.{sub}"] == sub and AR[f"subtype.{sub}"] != sub
