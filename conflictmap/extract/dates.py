"""Dates in an article, resolved against a reference date (the publication, or a statement's date).

A rule layer, written for how Arabic news dates things, because a general parser misses exactly
these (dateparser returns nothing for «أول أمس» or for a time of day with a weekday):

* أمس / البارحة (yesterday), أول أمس / أول من أمس (the day before), اليوم (today, not «في اليوم
  التالي»); English "yesterday", "the day before yesterday", "today", "last night";
* a weekday with a time of day: فجر/صباح/ظهر/عصر/مساء/ليل/ليلة/يوم + الأحد … السبت, and English
  "on Monday", "Monday night", "last Monday": the most recent such day on or before the reference;
* nights: «ليلة الجمعة - السبت» is the night from Friday to Saturday (two days, day precision);
  «بعد منتصف ليل السبت - الأحد» is after midnight, so Sunday; «ليلة الجمعة» alone is the eve of
  Friday (Thursday night to Friday);
* day and month: «8 ديسمبر», «٦ كانون الأول», ordinal days «السادس من ديسمبر», «الأول من مارس
  (آذار) 2025», with Egyptian/Gulf (يناير … ديسمبر) and Levantine (كانون الثاني … كانون الأول) month
  names, Eastern Arabic digits, and English "6 December", "December 6, 2024"; without a year, the
  latest such day not after the reference; a month and year alone have month precision.

A date preceded by «حتى» / "until" is a deadline, not when something happened: it is returned with
``role="until"`` so that drafts do not date an event by it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .fold import Folded

_WEEKDAYS_AR = {"الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4, "السبت": 5, "الاحد": 6}
_WEEKDAYS_EN = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_MONTHS_AR = {"يناير": 1, "فبراير": 2, "مارس": 3, "ابريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6, "يوليو": 7,
              "يوليه": 7, "اغسطس": 8, "سبتمبر": 9, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
              "كانون الثاني": 1, "شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5, "حزيران": 6, "تموز": 7, "اب": 8,
              "ايلول": 9, "تشرين الاول": 10, "تشرين الثاني": 11, "كانون الاول": 12}
_MONTHS_EN = {m: i + 1 for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july",
                                               "august", "september", "october", "november", "december"))}
_UNITS = ["الحادي", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع"]
_ORDINALS = {"الاول": 1, **{u: i + 2 for i, u in enumerate(_UNITS[1:])}, "العاشر": 10,
             **{f"{u} عشر": 11 + i for i, u in enumerate(_UNITS)}, "العشرين": 20,
             **{f"{u} والعشرين": 21 + i for i, u in enumerate(_UNITS)}, "الثلاثين": 30, "الحادي والثلاثين": 31}


def _alt(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_WD_AR = _alt(_WEEKDAYS_AR)
_WD_EN = _alt(_WEEKDAYS_EN)
_MON_AR = _alt(_MONTHS_AR)
_MON_EN = _alt(_MONTHS_EN)
_ORD = _alt(_ORDINALS)
_B = r"(?<![\w])"
_E = r"(?![\w])"
_LEV = r"(?:\s*\(\s*(?:" + _MON_AR + r")\s*\))?"  # «8 ديسمبر (كانون الأول)»

_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("day-month-ar", re.compile(_B + r"(?P<day>\d{1,2}|" + _ORD + r")(?:\s+من)?\s+(?:شهر\s+)?(?P<mon>" + _MON_AR
                                + r")" + _LEV + r"(?:\s+(?:(?:من\s+)?(?:العام|عام|سنه)\s+)?(?P<year>\d{4}))?"
                                + _E)),
    ("day-month-en", re.compile(_B + r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>" + _MON_EN
                                + r")(?:,?\s+(?P<year>\d{4}))?" + _E)),
    ("month-day-en", re.compile(_B + r"(?P<mon>" + _MON_EN + r")\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?"
                                r"(?:,?\s+(?P<year>\d{4}))?" + _E)),
    ("month-year", re.compile(_B + r"(?P<mon>" + _MON_AR + "|" + _MON_EN + r")" + _LEV
                              + r"\s+(?:(?:من\s+)?(?:العام|عام)\s+)?(?P<year>\d{4})" + _E)),
    ("night-range-ar", re.compile(_B + r"(?P<after>بعد\s+منتصف\s+)?(?:ليله|ليل)\s+(?P<wd1>" + _WD_AR
                                  + r")\s*[-–—/]\s*(?P<wd2>" + _WD_AR + r")" + _E)),
    ("night-ar", re.compile(_B + r"(?P<after>بعد\s+منتصف\s+)?ليله\s+(?P<wd1>" + _WD_AR + r")" + _E)),
    ("weekday-ar", re.compile(_B + r"(?P<tod>فجر|صباح|ظهر|عصر|مساء|ليل|يوم|نهار|ظهيره|ضحي)\s+(?:يوم\s+)?(?P<wd1>"
                              + _WD_AR + r")" + _E)),
    ("weekday-en", re.compile(_B + r"(?:(?:on|last|late|early)\s+)?(?P<wd1>" + _WD_EN
                              + r")(?:\s+(?:night|morning|evening|afternoon))?" + _E)),
    ("day-before-yesterday", re.compile(_B + r"(?:اول\s+(?:من\s+)?امس|the\s+day\s+before\s+yesterday)" + _E)),
    ("yesterday", re.compile(_B + r"(?:امس|البارحه|yesterday|last\s+night)" + _E)),
    ("today", re.compile(_B + r"(?:اليوم(?!\s+(?:التالي|السابق|نفسه|ذاته))|today|this\s+morning)" + _E)),
]
_UNTIL = re.compile(r"(?:حتي|لغايه|until|till|by)\s*$")


@dataclass(frozen=True)
class DateMention:
    """A date expression: where it is, what it resolves to, and how precisely."""

    start: int
    end: int
    text: str
    date_start: dt.date
    date_end: dt.date
    precision: str
    rule: str
    role: str = ""  # "until" for a deadline («حتى الأول من مارس»)

    def to_json(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end, "date_start": self.date_start.isoformat(),
                "date_end": self.date_end.isoformat(), "precision": self.precision, "rule": self.rule,
                **({"role": self.role} if self.role else {})}


def last_weekday(ref: dt.date, weekday: int) -> dt.date:
    """The most recent ``weekday`` (Monday = 0) on or before ``ref``."""
    return ref - dt.timedelta(days=(ref.weekday() - weekday) % 7)


def _day_month(day: int, month: int, year: int | None, ref: dt.date) -> dt.date | None:
    try:
        if year:
            return dt.date(year, month, day)
        d = dt.date(ref.year, month, day)
        return d if d <= ref else dt.date(ref.year - 1, month, day)
    except ValueError:
        return None


def _resolve(rule: str, m: re.Match, ref: dt.date) -> tuple[dt.date, dt.date, str] | None:
    g = m.groupdict()
    if rule in ("day-month-ar", "day-month-en", "month-day-en"):
        raw = re.sub(r"\s+", " ", g["day"])
        day = int(raw) if raw.isdigit() else _ORDINALS.get(raw)
        mon = re.sub(r"\s+", " ", g["mon"])
        month = _MONTHS_AR.get(mon) or _MONTHS_EN.get(mon)
        d = _day_month(day, month, int(g["year"]) if g.get("year") else None, ref) if day and month else None
        return (d, d, "day") if d else None
    if rule == "month-year":
        mon = re.sub(r"\s+", " ", g["mon"])
        month = _MONTHS_AR.get(mon) or _MONTHS_EN.get(mon)
        year = int(g["year"])
        first = dt.date(year, month, 1)
        last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1))
        return first, last, "month"
    if rule in ("night-range-ar", "night-ar"):
        wd1 = _WEEKDAYS_AR[g["wd1"]]
        if rule == "night-range-ar":
            first = last_weekday(ref, wd1)
            if first == ref:  # the night that starts on the reference day has not ended: the previous week's
                first -= dt.timedelta(days=7)
            second = first + dt.timedelta(days=1)
        else:  # «ليلة الجمعة»: the eve of Friday
            second = last_weekday(ref, wd1)
            first = second - dt.timedelta(days=1)
        if g.get("after"):
            return second, second, "day"
        return first, second, "day"
    if rule in ("weekday-ar", "weekday-en"):
        wd = (_WEEKDAYS_AR if rule == "weekday-ar" else _WEEKDAYS_EN)[g["wd1"]]
        d = last_weekday(ref, wd)
        if rule == "weekday-en" and m.group(0).startswith("last") and d == ref:
            d -= dt.timedelta(days=7)
        return d, d, "day"
    offset = {"day-before-yesterday": 2, "yesterday": 1, "today": 0}[rule]
    d = ref - dt.timedelta(days=offset)
    return d, d, "day"


def find_dates(text: str, folded: Folded, ref: dt.date, start: int = 0, end: int | None = None) -> list[DateMention]:
    """Date expressions in ``folded.text[start:end]`` (folded offsets), resolved against ``ref``.

    Returned spans are offsets into the original ``text``; earlier, longer rules win over the
    shorter ones they contain («يوم الأحد 8 ديسمبر» is one date, not a weekday and a date).
    """
    end = len(folded.text) if end is None else end
    segment = folded.text[start:end]
    taken: list[tuple[int, int]] = []
    out: list[DateMention] = []
    for rule, pattern in _PATTERNS:
        for m in pattern.finditer(segment):
            a, b = m.start() + start, m.end() + start
            if any(a < tb and ta < b for ta, tb in taken):
                continue
            resolved = _resolve(rule, m, ref)
            if resolved is None:
                continue
            if rule.startswith("weekday") and _is_inside_longer(segment, m):
                continue
            taken.append((a, b))
            s, e = folded.span(a, b)
            role = "until" if _UNTIL.search(folded.text[max(0, a - 12):a]) else ""
            out.append(DateMention(s, e, text[s:e], *resolved, rule=rule, role=role))
    return sorted(out, key=lambda d: d.start)


def _is_inside_longer(segment: str, m: re.Match) -> bool:
    """«يوم الأحد 8 ديسمبر»: the weekday is part of a full date right after it, which decides."""
    follow = segment[m.end():m.end() + 25]
    return bool(re.match(r"\s*،?\s*\d{1,2}\s", follow))
