"""The interface's message catalogue: every key in both languages, every key the code asks for present."""

from __future__ import annotations

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
