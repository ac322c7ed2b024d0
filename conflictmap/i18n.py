"""The interface's message catalogue: every string the dashboard shows, in English and Arabic.

One dictionary per language, same keys (tests/test_i18n.py fails when a key is missing from either,
or when code asks for a key that is not here). The core uses it for the map's legend; the Streamlit
layer (``ui.i18n``) for everything else. Data (titles, claims, names) is not here: it has its own
Arabic columns.
"""

from __future__ import annotations

LANGS = ("en", "ar")

EN: dict[str, str] = {
    # navigation
    "nav.map": "Map", "nav.events": "Events", "nav.claims": "Claims & sources", "nav.places": "Places",
    "nav.import": "Import", "nav.article": "Add from an article", "nav.edit": "Edit the ledger",
    "nav.quality": "Data quality",
    # the map page
    "map.title": "Conflict events and the claims about them",
    "map.shown": "{n} of {total} events shown",
    "map.unplaced_note": " · {n} without coordinates (see Places)",
    "map.basemap": "Basemap",
    "map.basemap_help": "Offline borders work with no internet; the tile layers need a connection.",
    "map.language_help": "Which language leads in titles and captions",
    "map.present": "Present", "map.exit": "Exit",
    "map.present_help": "Presentation mode: hides the controls and enlarges text, for a projector",
    "map.dismiss_notice": "Dismiss the link notice",
    "map.stories": "Guided stories: choose one…", "map.story": "Story",
    "map.back": "Back", "map.next": "Next", "map.close": "Close",
    "map.back_help": "Previous step (← key)", "map.next_help": "Next step (→ key)",
    "map.step": "Step {step} / {n}",
    "map.event": "Event", "map.pick_placeholder": "Click a marker or pick an event",
    "map.pick_limit": "The list holds the latest {limit} of {n} events: narrow the dates or search (sidebar), "
                      "or click a marker.",
    "map.outside_filters": "This event is outside the current filters.",
    "map.zoom_to": "Zoom to this event", "map.close_event": "Close this event",
    "map.click_hint": "Click a marker (or a line) on the map to read who claimed, denied or only acknowledged "
                      "the event.",
    "map.off_map": "{n} shown event(s) lie outside the map of Syria ({names}). Their routes leave the frame "
                   "with an arrow; press **Fit all** on the map to include them.",
    "map.outside_frame": "outside the frame",
    "map.cdn": "Map scripts are loaded from public CDNs (local copies not installed: run "
               "`python -m conflictmap assets install`).",
    "map.grid": "{n} events: grouped into cells at this zoom (click a cell to zoom in). Individual events appear "
                "with fewer than {limit} in view: zoom in or narrow the filters.",
    "map.imprecise": "Without a precise place ({n})",
    "map.imprecise_help": "Known only at country or region level: listed here, not drawn as a dot.",
    "map.share": "Copy link to this view",
    "map.share_help": "The link reopens exactly this view: dates, filters, event, map position, basemap, "
                      "language and story step. Use the copy icon.",
    "map.download": "Download this selection",
    # the sidebar filters
    "filters.time": "Time", "filters.jump": "Jump to a period", "filters.all_dates": "All dates",
    "filters.period": "{label} · {n} events",
    "filters.window": "Date window",
    "filters.window_help": "Events overlapping the window are shown. Arrow keys move a handle by a day.",
    "filters.heading": "Filters", "filters.type": "Event type", "filters.status": "Status",
    "filters.actor": "Actor or claimant", "filters.search": "Search (Arabic or English)",
    "filters.search_placeholder": "e.g. هجين, Hajin, SOHR, منسوب",
    "filters.no_events": "No events loaded.", "filters.choose": "Choose options",
    # statuses
    "status.contested": "Contested", "status.corroborated": "Corroborated", "status.single_source": "Single source",
    "status.denied": "Denied", "status.unverified": "Unverified", "status.no_claims": "No claims",
    # the map's own buttons
    "view.syria": "Syria", "view.syria_help": "Re-centre on Syria", "view.fit": "Fit all",
    "view.fit_help": "Fit every shown event, including those outside Syria",
    # the legend on the map
    "legend.title": "Status (from the claims)", "legend.approximate": "approximate place",
    "legend.between": "between two places", "legend.route": "route, in order",
    "legend.toggle": "Legend", "legend.stack": "several events at one place (fanned out)",
    # the timeline
    "timeline.play": "Play", "timeline.pause": "Pause", "timeline.speed": "Speed",
    "timeline.speed_1": "1 day per step", "timeline.speed_7": "1 week per step",
    "timeline.speed_30": "1 month per step", "timeline.speed_91": "3 months per step",
    "timeline.zoom_in": "Zoom in (+)", "timeline.zoom_out": "Zoom out (−)", "timeline.all_dates": "All dates",
    "timeline.window": "Date window: arrow keys move it, Shift+arrow by a window, +/− zoom, Space plays",
    "timeline.periods": "Periods with events", "timeline.period": "{label} ({n})",
    # editing
    "quote.none": "No Arabic quote to check.",
    "quote.no_archive": "Cannot check the quote: this source has no archived text (text_file).",
    "quote.not_here": "Cannot check the quote: the archived text {name} is not on this server (it is looked up "
                      "under the data folder's sources/, then in the seed archive, {env}).",
    "quote.found": "Found verbatim in {name}.",
    "quote.spelled_differently": "Not verbatim in {name}: the article spells it differently (hamza, diacritics, "
                                 "alef or taa marbuta forms). Copy it exactly as printed.",
    "quote.not_found": "Not found in {name}: copy the quote exactly as printed in the source.",
    "edit.off_nothing_saved": "Editing is off: nothing was saved.",
    "edit.step_claim_event": "{claim} is not a claim of the event {event}: choose one of its claims, or none.",
    "edit.step_moved": "Step {position} moved to {to}.",
    "edit.step_deleted": "Step {position} deleted; the later steps moved up one.",
    "edit.story_deleted": "Deleted story {story} and its steps; Revert them from the history.",
    "edit.gone": "{table} {row_id} no longer exists (deleted since).",
    "edit.story_no_history": "No recorded changes: this story is as it was loaded.",
    "edit.story": "Story",
    "edit.new_story": "New story…",
    "edit.delete_story": "Delete this story…",
    "edit.delete_story_ask": "Delete this story and its {n} step(s)? The history keeps them, and Revert brings "
                             "them back.",
    "edit.delete_story_yes": "Delete the story and its {n} step(s)",
    "edit.reason_optional": "Reason (optional)",
    "edit.cancel": "Cancel",
    "edit.steps": "Steps",
    "edit.step": "Step",
    "edit.add_step": "Add a step at the end…",
    "edit.move_up": "Move up",
    "edit.move_down": "Move down",
    "edit.delete_step": "Delete this step",
    "edit.delete_step_help": "The later steps move up one; Revert brings it back.",
    "edit.story_history": "History of this story",
    "edit.page_off_imported": "Editing is off here: the data is an imported file, which is read-only.",
    "edit.page_off": "Editing is off here: nobody may write on this server (CONFLICTMAP_EDIT).",
    "edit.table": "Table",
    "edit.table_events": "Events",
    "edit.table_claims": "Claims",
    "edit.table_sources": "Sources",
    "edit.table_places": "Places (the gazetteer)",
    "edit.table_stories": "Stories",
    "edit.row": "Row",
    "edit.row_help": "Type to search",
    "edit.new_events": "New event…",
    "edit.new_claims": "New claim…",
    "edit.new_sources": "New source…",
    "edit.new_places": "New place…",
    "edit.history_event": "History of this event",
    "edit.history_claim": "History of this claim's event",
    "edit.here_reason": "new place clicked on the map for a new event",
    "edit.here_title": "New event here",
    "edit.here_place": "Place",
    "edit.here_new_place": "A new place at the click",
    "edit.here_nearest": "{name} (gazetteer, {km} km away)",
    "edit.here_name_en": "Name of the new place (English) *",
    "edit.here_name_ar": "Name of the new place (Arabic)",
    "edit.here_kind": "Kind of place",
    "edit.here_provenance": "Its coordinate is recorded as clicked on the map by you, precise to ±{precision} m "
                            "at this zoom; zoom in for a more precise click.",
    "edit.here_create": "Add this place and open the event form",
    "edit.here_new_event": "New event here",
    "edit.here_dismiss": "Dismiss",
    "edit.pick_on_map": "Set the coordinate by a click on the map",
    "edit.pick_on_map_help": "A click sets lat and lon below, recorded as clicked on the map by you, with the "
                             "precision of the zoom you clicked at. Zoom in first for a precise point.",
}

AR: dict[str, str] = {
    "nav.map": "الخريطة", "nav.events": "الأحداث", "nav.claims": "الروايات والمصادر", "nav.places": "الأماكن",
    "nav.import": "الاستيراد", "nav.article": "إضافة من مقال", "nav.edit": "تحرير السجل",
    "nav.quality": "جودة البيانات",
    "map.title": "الأحداث والروايات المتضاربة حولها",
    "map.shown": "{n} من {total} حدثًا معروضة",
    "map.unplaced_note": " · {n} بلا إحداثيات (انظر الأماكن)",
    "map.basemap": "الخريطة الأساسية",
    "map.basemap_help": "الحدود المحلية تعمل دون إنترنت؛ طبقات البلاطات تحتاج إلى اتصال.",
    "map.language_help": "اللغة التي تتقدم في العناوين والتعليقات",
    "map.present": "عرض", "map.exit": "خروج",
    "map.present_help": "وضع العرض: يخفي أدوات التحكم ويكبّر النص، لجهاز العرض",
    "map.dismiss_notice": "إغلاق ملاحظة الرابط",
    "map.stories": "قصص موجّهة: اختر واحدة…", "map.story": "قصة",
    "map.back": "السابق", "map.next": "التالي", "map.close": "إغلاق",
    "map.back_help": "الخطوة السابقة", "map.next_help": "الخطوة التالية",
    "map.step": "الخطوة {step} من {n}",
    "map.event": "الحدث", "map.pick_placeholder": "انقر علامة على الخريطة أو اختر حدثًا",
    "map.pick_limit": "تضم القائمة أحدث {limit} من {n} حدثًا: ضيّق التواريخ أو ابحث (الشريط الجانبي)، "
                      "أو انقر علامة.",
    "map.outside_filters": "هذا الحدث خارج عوامل التصفية الحالية.",
    "map.zoom_to": "تكبير إلى هذا الحدث", "map.close_event": "إغلاق هذا الحدث",
    "map.click_hint": "انقر علامة (أو خطًا) على الخريطة لتقرأ من أكّد الحدث ومن نفاه ومن اكتفى بالإقرار بالتقارير.",
    "map.off_map": "{n} من الأحداث المعروضة خارج خريطة سوريا ({names}). تخرج مساراتها من الإطار بسهم؛ "
                   "اضغط **إظهار الكل** على الخريطة لإظهارها.",
    "map.outside_frame": "خارج الإطار",
    "map.cdn": "تُحمَّل نصوص الخريطة من شبكات عامة (النسخ المحلية غير مثبتة: شغّل "
               "`python -m conflictmap assets install`).",
    "map.grid": "{n} حدثًا: مجمّعة في خلايا عند هذا التكبير (انقر خلية للتكبير). تظهر الأحداث منفردة "
                "حين يقل عددها في العرض عن {limit}: كبّر أو ضيّق عوامل التصفية.",
    "map.imprecise": "بلا مكان دقيق ({n})",
    "map.imprecise_help": "معروفة على مستوى البلد أو المنطقة فقط: مدرجة هنا لا نقطةً على الخريطة.",
    "map.share": "نسخ رابط هذا العرض",
    "map.share_help": "يعيد الرابط فتح هذا العرض كما هو: التواريخ وعوامل التصفية والحدث وموضع الخريطة "
                      "والخريطة الأساسية واللغة وخطوة القصة. استخدم أيقونة النسخ.",
    "map.download": "تنزيل هذا الاختيار",
    "filters.time": "الزمن", "filters.jump": "انتقل إلى فترة", "filters.all_dates": "كل التواريخ",
    "filters.period": "{label} · {n} أحداث",
    "filters.window": "النافذة الزمنية",
    "filters.window_help": "تُعرض الأحداث التي تتقاطع مع النافذة. تحرّك مفاتيح الأسهم المقبض يومًا.",
    "filters.heading": "عوامل التصفية", "filters.type": "نوع الحدث", "filters.status": "الحالة",
    "filters.actor": "الطرف أو صاحب الرواية", "filters.search": "بحث (بالعربية أو الإنجليزية)",
    "filters.search_placeholder": "مثلًا: هجين، Hajin، المرصد، منسوب",
    "filters.no_events": "لم تُحمَّل أي أحداث.", "filters.choose": "اختر",
    "status.contested": "متنازع عليه", "status.corroborated": "مؤكَّد من أكثر من مصدر",
    "status.single_source": "مصدر واحد", "status.denied": "منفي", "status.unverified": "غير متحقق منه",
    "status.no_claims": "لا روايات",
    "view.syria": "سوريا", "view.syria_help": "إعادة التمركز على سوريا", "view.fit": "إظهار الكل",
    "view.fit_help": "إظهار كل الأحداث المعروضة، بما فيها تلك الواقعة خارج سوريا",
    "legend.title": "الحالة (بحسب الروايات)", "legend.approximate": "مكان تقريبي",
    "legend.between": "بين مكانين", "legend.route": "مسار، بالترتيب",
    "legend.toggle": "مفتاح الخريطة", "legend.stack": "عدة أحداث في مكان واحد (موزعة حوله)",
    "timeline.play": "تشغيل", "timeline.pause": "إيقاف مؤقت", "timeline.speed": "السرعة",
    "timeline.speed_1": "يوم في كل خطوة", "timeline.speed_7": "أسبوع في كل خطوة",
    "timeline.speed_30": "شهر في كل خطوة", "timeline.speed_91": "ثلاثة أشهر في كل خطوة",
    "timeline.zoom_in": "تكبير (+)", "timeline.zoom_out": "تصغير (−)", "timeline.all_dates": "كل التواريخ",
    "timeline.window": "النافذة الزمنية: الأسهم تحرّكها، وShift مع السهم بطول النافذة، و+/− للتكبير، والمسافة للتشغيل",
    "timeline.periods": "فترات فيها أحداث", "timeline.period": "{label} ({n})",
    # editing
    "quote.none": "لا اقتباس عربي للتحقق منه.",
    "quote.no_archive": "تعذّر التحقق من الاقتباس: لا نص مؤرشف لهذا المصدر (text_file).",
    "quote.not_here": "تعذّر التحقق من الاقتباس: النص المؤرشف {name} غير موجود على هذا الخادم (يُبحث عنه في "
                      "مجلد sources/ ضمن مجلد البيانات، ثم في أرشيف البذور {env}).",
    "quote.found": "موجود حرفيًا في {name}.",
    "quote.spelled_differently": "ليس حرفيًا في {name}: المقال يكتبه بهجاء مختلف (الهمزة أو التشكيل أو صور "
                                 "الألف أو التاء المربوطة). انسخه كما طُبع تمامًا.",
    "quote.not_found": "غير موجود في {name}: انسخ الاقتباس كما طُبع في المصدر تمامًا.",
    "edit.off_nothing_saved": "التحرير متوقف: لم يُحفظ شيء.",
    "edit.step_claim_event": "{claim} ليس ادعاءً عن الحدث {event}: اختر أحد ادعاءاته أو لا شيء.",
    "edit.step_moved": "نُقلت الخطوة {position} إلى {to}.",
    "edit.step_deleted": "حُذفت الخطوة {position}، وتقدّمت الخطوات التالية خطوة واحدة.",
    "edit.story_deleted": "حُذفت القصة {story} وخطواتها؛ يمكن التراجع عن ذلك من السجل.",
    "edit.gone": "لم يعد {table} {row_id} موجودًا (حُذف منذ ذلك الحين).",
    "edit.story_no_history": "لا تغييرات مسجّلة: هذه القصة كما حُمّلت.",
    "edit.story": "القصة",
    "edit.new_story": "قصة جديدة…",
    "edit.delete_story": "حذف هذه القصة…",
    "edit.delete_story_ask": "حذف هذه القصة وخطواتها ({n})؟ يحتفظ السجل بها، ويعيدها التراجع.",
    "edit.delete_story_yes": "حذف القصة وخطواتها ({n})",
    "edit.reason_optional": "السبب (اختياري)",
    "edit.cancel": "إلغاء",
    "edit.steps": "الخطوات",
    "edit.step": "الخطوة",
    "edit.add_step": "إضافة خطوة في النهاية…",
    "edit.move_up": "نقل إلى الأعلى",
    "edit.move_down": "نقل إلى الأسفل",
    "edit.delete_step": "حذف هذه الخطوة",
    "edit.delete_step_help": "تتقدّم الخطوات التالية خطوة واحدة؛ ويعيدها التراجع.",
    "edit.story_history": "سجل هذه القصة",
    "edit.page_off_imported": "التحرير متوقف هنا: البيانات ملف مستورد للقراءة فقط.",
    "edit.page_off": "التحرير متوقف هنا: لا يحق لأحد الكتابة على هذا الخادم (CONFLICTMAP_EDIT).",
    "edit.table": "الجدول",
    "edit.table_events": "الأحداث",
    "edit.table_claims": "الادعاءات",
    "edit.table_sources": "المصادر",
    "edit.table_places": "الأماكن (المعجم الجغرافي)",
    "edit.table_stories": "القصص",
    "edit.row": "الصف",
    "edit.row_help": "اكتب للبحث",
    "edit.new_events": "حدث جديد…",
    "edit.new_claims": "ادعاء جديد…",
    "edit.new_sources": "مصدر جديد…",
    "edit.new_places": "مكان جديد…",
    "edit.history_event": "سجل هذا الحدث",
    "edit.history_claim": "سجل الحدث الذي يخصه هذا الادعاء",
    "edit.here_reason": "مكان جديد بنقرة على الخريطة لحدث جديد",
    "edit.here_title": "حدث جديد هنا",
    "edit.here_place": "المكان",
    "edit.here_new_place": "مكان جديد عند النقرة",
    "edit.here_nearest": "{name} (من المعجم، على بعد {km} كم)",
    "edit.here_name_en": "اسم المكان الجديد (بالإنجليزية) *",
    "edit.here_name_ar": "اسم المكان الجديد (بالعربية)",
    "edit.here_kind": "نوع المكان",
    "edit.here_provenance": "يُسجَّل إحداثيه على أنه نقرة منك على الخريطة، بدقة ±{precision} م عند هذا التكبير؛ "
                            "كبّر الخريطة لنقرة أدق.",
    "edit.here_create": "إضافة هذا المكان وفتح نموذج الحدث",
    "edit.here_new_event": "حدث جديد هنا",
    "edit.here_dismiss": "إغلاق",
    "edit.pick_on_map": "تحديد الإحداثي بنقرة على الخريطة",
    "edit.pick_on_map_help": "تضبط النقرة خطَّي العرض والطول أدناه، وتُسجَّل نقرةً منك على الخريطة بدقة مستوى "
                             "التكبير الذي نقرت عنده. كبّر أولًا لنقطة دقيقة.",
}

CATALOGUE = {"en": EN, "ar": AR}


def t(key: str, lang: str = "en", **values: object) -> str:
    """The message ``key`` in ``lang`` (English for an unknown language), with ``values`` filled in.

    A key missing from the catalogue raises KeyError: tests/test_i18n.py finds every key the code uses.
    """
    text = CATALOGUE.get(lang, EN)[key]
    return text.format(**values) if values else text
