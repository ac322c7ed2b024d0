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
    # pages: claims, places, import, quality, events, article, ledger
    # table headings (st.dataframe column_config, ui.i18n.headings)
    "col.event_id": "Id", "col.date_start": "Date", "col.date_end": "Until", "col.date_precision": "Date precision",
    "col.date_inferred": "Date inferred", "col.title_en": "Title", "col.title_ar": "Title (Arabic)",
    "col.summary_en": "Summary", "col.summary_ar": "Summary (Arabic)", "col.event_type": "Type",
    "col.sub_event_type": "Sub-type", "col.place_ids": "Places", "col.place_relation": "Place relation",
    "col.geo_precision": "Place precision (1 exact – 3 region)", "col.location_note": "Where, in words",
    "col.actor1": "Actor", "col.actor2": "Other actor", "col.fatalities": "Fatalities", "col.source_id": "Source",
    "col.status": "Status", "col.lat": "Latitude", "col.lon": "Longitude", "col.notes_public": "Note",
    "col.notes": "Curation notes", "col.claim_id": "Claim", "col.claimant": "Claimant",
    "col.claimant_ar": "Claimant (Arabic)", "col.spokesperson": "Spokesperson", "col.claimant_kind": "Kind",
    "col.stance": "Stance", "col.attributed": "Attributed", "col.quote_ar": "Quote (Arabic)",
    "col.quote_en": "Quote (English)", "col.channel": "Channel", "col.claim_date": "Claim date",
    "col.claim_date_precision": "Claim date precision", "col.claim_date_inferred": "Claim date inferred",
    "col.origin": "Origin", "col.quote_start": "Quote start", "col.quote_end": "Quote end", "col.outlet": "Outlet",
    "col.title": "Title", "col.language": "Language", "col.published": "Published",
    "col.published_precision": "Published precision", "col.published_inferred": "Published date inferred",
    "col.url": "Link", "col.url_not_linked": "URL (not a web link, shown as text)", "col.text_file": "Text file",
    "col.sha256": "SHA-256", "col.added_by": "Added by", "col.added_at": "Added at", "col.place_id": "Id",
    "col.name_en": "Name", "col.name_ar": "Name (Arabic)", "col.alt_names": "Other names", "col.kind": "Kind",
    "col.admin1": "Governorate", "col.country": "Country", "col.geonames_id": "GeoNames",
    "col.coord_source": "Coordinate source", "col.coord_precision_m": "Precision (m)", "col.coord_inferred": "Inferred",
    "col.severity": "Severity", "col.file": "File", "col.row": "Row", "col.column": "Column", "col.value": "Value",
    "col.message": "Message", "col.candidate": "Candidate", "col.match": "Match", "col.flags": "Flags",
    "col.event": "Event", "col.relation": "Relation", "col.distance": "Distance (geodesic, WGS84)",
    # values shown as words
    "stance.asserts": "Asserts", "stance.denies": "Denies", "stance.acknowledges": "Aware of reports",
    "stance.no_comment": "No comment", "stance.claims_responsibility": "Claims responsibility",
    "kind.monitor": "monitor", "kind.armed_group": "armed group", "kind.coalition": "coalition",
    "kind.government": "government", "kind.media": "media", "kind.individual": "individual",
    "relation.at": "at", "relation.near": "near", "relation.between": "between", "relation.route": "route",
    "precision.day": "day", "precision.week": "week", "precision.month": "month", "precision.year": "year",
    "geo.1": "the place itself", "geo.2": "near the place", "geo.3": "a larger region only",
    "severity.error": "error", "severity.warning": "warning",
    "status_help.contested": "someone asserts it and someone denies it, at least one side unattributed",
    "status_help.denied": "someone denies it, unattributed, and nobody asserts it",
    "status_help.corroborated": "two or more independent claimants assert it, unattributed; nobody denies it",
    "status_help.single_source": "one claimant asserts it, unattributed; nobody denies it",
    "status_help.unverified": "only 'aware of reports' or attributed statements (an attributed claim is never "
                              "enough on its own)",
    "status_help.no_claims": "no claim is on record",
    # dates in the ledger
    "date.unknown": "date unknown", "date.week": "week of {date}", "date.inferred": " (inferred)",
    "month.1": "January", "month.2": "February", "month.3": "March", "month.4": "April", "month.5": "May",
    "month.6": "June", "month.7": "July", "month.8": "August", "month.9": "September", "month.10": "October",
    "month.11": "November", "month.12": "December",
    # the claim ledger (conflictmap/render.py, templates/event_panel.html; also in the HTML export)
    "ledger.missing": "This event is not in the loaded data.", "ledger.not_in_gazetteer": "not in the gazetteer",
    "ledger.metres": "±{m} m", "ledger.when": "When:", "ledger.where": "Where ({relation}):",
    "ledger.source_not_recorded": "source not recorded", "ledger.inferred": ", inferred", "ledger.type": "Type:",
    "ledger.geo_precision": "geo precision {n}", "ledger.actors": "Actors:", "ledger.vs": "vs",
    "ledger.fatalities": "Fatalities:", "ledger.not_reported": "not reported", "ledger.note": "Note:",
    "ledger.curation": "Curation notes (editors only):", "ledger.heading": "Claim ledger ({n})",
    "ledger.none": "No claims on record.", "ledger.attributed": "Attributed / unverified", "ledger.source": "Source:",
    # the HTML export
    "export.sources": "Sources", "export.link": "link", "export.date_inferred": ", date inferred",
    "export.note": "{n} events exported by conflictmap. Click a marker for who asserted, denied or only acknowledged "
                   "it; the slider replays what had happened by each date.",
    # shared by several pages
    "common.editing_off": "Editing is off: nothing was saved.",
    "data.database": "the database", "data.at": " in {where}",
    "data.cannot_load": "The data{at} cannot be loaded: {error}",
    "data.where": "Data: {path} · ", "data.counts": "{events} events, {claims} claims",
    "data.rejected": " · {n} rows rejected (see Data quality)",
    "downloads.csv": "CSV (spreadsheet-safe)", "downloads.geojson": "GeoJSON (with claims)",
    "downloads.prepare": "Prepare standalone HTML map",
    "downloads.prepare_help": "One file that works offline: map, time slider, claim ledgers, legend and sources",
    "downloads.html": "Download HTML map",
    "signin.not_configured": "Viewing only: sign-in is not configured on this server.",
    "signin.viewing": "Viewing only",
    "signin.sign_in": "Sign in to edit", "signin.editor": "Signed in as {who} · you can edit",
    "signin.not_editor": "Signed in as {who}: not an editor",
    "signin.not_editor_help": "You can view everything, but not change it. An editor of this site can add you.",
    "signin.sign_out": "Sign out",
    "url.window_ignored": "Ignored the date window: it lies outside the data.",
    # Claims & sources
    "claims.count": "**{claims} claims** about the **{events} events** in the current selection.",
    "claims.matrix": "Who said what: claimant × event",
    "claims.matrix_help": "Asserts · Denies · Aware of reports (acknowledges without confirming). Columns are events "
                          "in date order.",
    "claims.none": "No claims in the current selection.", "claims.every": "Every claim", "claims.sources": "Sources",
    # Events
    "events.count": "**{n} of {total} events** match the filters in the sidebar. Click a row to open the event on "
                    "the map; click a column header to sort; use the table's search icon to find text in it.",
    "events.fatalities_help": "blank = not reported", "events.download": "Download these events (CSV)",
    "events.download_help": "Exactly the rows above. Cells that a spreadsheet would run as a formula are prefixed "
                            "with an apostrophe.",
    # Data quality
    "quality.rejected": "Rows rejected", "quality.errors": "Errors", "quality.warnings": "Warnings",
    "quality.all_loaded": "Every row of every table loaded.",
    "quality.help": "Rows are numbered as in a spreadsheet: the header is row 1. A row with an error is set aside; "
                    "the rest of the file still loads. The same report comes from `python -m conflictmap validate`.",
    # Import
    "import.title": "Import data", "import.converting": "Converting…",
    "import.intro": "Upload an **ACLED export** (either date style, `2018-06-03` or `03 June 2018`) or a **UCDP GED** "
                    "CSV. The format is recognised from the header. Each source an event names becomes a claim; rows "
                    "that cannot be used are listed with their row number in your file, and the rest convert. The "
                    "mapping is documented in `docs/import-mapping.md`; the same conversion runs for `python -m "
                    "conflictmap import FILE --out DIR` and for `CONFLICTMAP_DATA=FILE`.",
    "import.upload": "ACLED export or UCDP GED file",
    "import.upload_help": "A CSV with the header row the export came with. Windows Arabic (cp1256) is read too, "
                          "with a warning.",
    "import.choose": "Choose a file to see what it converts to. Nothing is saved until you ask.",
    "import.cannot": "This file cannot be imported.",
    "import.unreadable": "This upload could not be read ({error}). Rename the file to something.csv and upload it "
                         "again.",
    "import.claims": "Claims", "import.sources": "Source", "import.set_aside": "Rows set aside",
    "import.all_converted": "Every row converted.", "import.problems": "Problems",
    "import.problems_help": "Rows are numbered as in a spreadsheet (the header is row 1). A row with an error is set "
                            "aside; warnings are informational.",
    "import.preview": "Preview", "import.first_rows": "The first {n} rows of each table are shown.",
    "import.keep": "Keep the converted tables", "import.download": "Download the tables (zip)",
    "import.download_help": "events.csv, claims.csv, sources.csv and geodata/places.csv, laid out as a data "
                            "directory.",
    "import.server_folder": "the server's import folder", "import.folder": "Or save them into a folder",
    "import.folder_help": "A folder inside {where} (set CONFLICTMAP_IMPORT_DIR to change where). It is written whole "
                          "or not at all.",
    "import.replace": "Replace the tables if the folder already has files in it", "import.save": "Save",
    "import.inside": "Choose a folder inside {where}.", "import.not_saved": "The tables were not saved.",
    "import.saved_local": "Saved. To open them in the dashboard:",
    "import.saved_remote": "Saved as {name} in the server's import folder.",
    # Places
    "places.intro": "The gazetteer (geodata/places.csv): every place events refer to, where its coordinate came "
                    "from, and how precise it is.",
    "places.precision_help": "Radius within which the true location lies",
    "places.inferred_help": "Worked out rather than looked up: see notes",
    "places.precision_unknown": "precision unknown", "places.inferred": "inferred",
    "places.on_map": "**{n} of {total} places on the map.** Green: looked up; orange: inferred. The dashed circle is "
                     "the stated precision.",
    "places.geocode": "Geocode missing places",
    "places.all_placed": "Every place in places.csv, and every place events.csv refers to, has coordinates.",
    "places.missing_viewer": "{n} place(s) lack coordinates. Geocoding them saves to places.csv, which only an editor "
                             "may do (CONFLICTMAP_EDIT).",
    "places.names": "names", "places.in_file": "in places.csv",
    "places.missing_editor": "**{n} place(s) lack coordinates.** They are looked up in the gazetteer, then GeoNames "
                             "(offline), then, if you allow it, an online geocoder.",
    "places.online": "Also ask the online geocoder ({service})",
    "places.online_help": "At most one request a second, shared by every user of this app; every answer is cached "
                          "in geodata/geocode-cache.json.",
    "places.online_env": "Set {env} to use your own Nominatim instead of the public one, which receives the place "
                         "names you look up.",
    "places.geocode_n": "Geocode {n} place(s)", "places.indexing": "Indexing the gazetteer and GeoNames…",
    "places.failed": "The geocoder failed: {error}. The places below were resolved before it did; answers received "
                     "are cached, so trying again does not repeat them.",
    "places.not_reached": "{label}: not reached",
    "places.existing": "{label}: this is the existing place {same}. Use that id in events.csv (or merge the rows); "
                       "nothing to save.",
    "places.choose": "{label}: {outcome} — {note}. Choose one, or leave it blank.", "places.leave_blank": "leave blank",
    "places.flagged": "This candidate was flagged; it will be saved with the flag in its notes.",
    "places.not_found": "{label}: not found. {note}", "places.save": "Save {n} coordinate(s) to places.csv",
    "places.changed": "places.csv changed since the lookup; geocode again.",
    "places.write_failed": "Could not write {path}: {error}", "places.saved": "Saved {n} coordinate(s) to {path}.",
    "places.lookup": "Look up a name (offline: gazetteer and GeoNames)",
    "places.lookup_name": "Place name, Arabic or any transliteration",
    "places.lookup_placeholder": "e.g. بهجين, Hajeen, al-Mayadeen, قاعدة حميميم", "places.from_step": " (from {step})",
    "places.distances": "Distances between the places of an event", "places.invalid": "invalid coordinate: {error}",
    "places.no_coordinate": "no coordinate yet", "places.km": "{km} km",
    "places.no_multi": "No event refers to more than one place.",
    # Add from an article (pages/article.py, ui/article.py, the marks of extract/highlight.py)
    "article.off": "Editing is off on this server, so articles cannot be added here. Someone with write access can "
                   "run `python -m conflictmap extract` and `python -m conflictmap apply` (see the README).",
    "article.intro": "Paste a report (Arabic or English), give its publication date, and read it: the places, dates, "
                     "claimants, cue words and quotes found are marked in the text, and the draft events are listed "
                     "beside it. Correct what is wrong, tick what to add, and press Accept. Nothing enters the ledger "
                     "before that.",
    "article.drafts": "{n} draft event(s), {claims} claim(s)",
    "article.no_claims": "No claims were found in this text.",
    "article.reason": "Reason (recorded in the history)", "article.accept": "Accept",
    "article.accept_help": "Archive the article and add the ticked drafts, as {who}",
    "article.reading_gazetteer": "Reading the gazetteer and the ledger…",
    "article.text": "Article text (paste it here)", "article.upload": "…or upload a .txt or .html file",
    "article.published": "Publication date (required)", "article.known_to": "known to the",
    "article.language": "Language", "article.lang_detect": "detect", "article.lang_ar": "Arabic",
    "article.lang_en": "English",
    "article.language_help": "Detected from the text (Arabic or English) unless you choose one",
    "article.outlet": "Outlet", "article.outlet_help": "The publisher; its own narration is claimed in its name",
    "article.url": "URL", "article.read": "Read the article",
    "article.date_required": "The publication date is required: «yesterday» and weekdays are worked out from it.",
    "article.unreadable": "The article cannot be read: {error}", "article.highlight": "Highlight a claim's quote",
    "article.text_facts": "{n} characters · SHA-256 {sha} · language {name}",
    "article.background": "background", "article.add_draft": "Add this draft",
    "article.add_draft_help": "Background drafts recall an earlier fact; they are left out unless you tick them",
    "article.belongs": "Belongs to", "article.new_event": "a new event",
    "article.existing_event": "existing event {id}: {title}",
    "article.proposal_add": "Proposal: add these claims to {id} ({title}), match score {score}",
    "article.why": "Why: {reasons}", "article.proposal_new": "Proposal: a new event (nothing in the ledger matches)",
    "article.disagrees": "Disagrees with the ledger: {text}", "article.title_en": "Title (English)",
    "article.title_ar": "Title (Arabic)", "article.from": "From", "article.to": "To",
    "article.sub_type": "Sub-event type", "article.type_cue": "Type suggested by «{cue}»",
    "article.place": "Place «{name}»", "article.new_place": "new place: {name}", "article.leave_out": "leave out",
    "article.metres": "± metres", "article.found_by": "found by: {source}; {how}", "article.nothing": "nothing",
    "article.claim_add": "Claim {n}: add it", "article.show": "Show in text",
    "article.quote": "Quote (verbatim from the text)", "article.stance_cue": "Stance cue «{cue}»",
    "article.none_ticked": "No draft is ticked: nothing to add.", "article.not_added": "Not added: {error}",
    "article.added": "Added {claims} claim(s) to {events} event(s) ({new} new), {places} new place(s); the article is "
                     "archived as source {source}.",
    "article.open_on_map": "Open on the map:", "article.archived": "SHA-256 {sha} · archived text {path}",
    "article.every_row": "Every row added (each is in the history, by you)",
    "highlight.quote": "quote", "highlight.date": "date", "highlight.place": "place", "highlight.claimant": "claimant",
    "highlight.cue": "cue word", "highlight.selected": "selected claim's quote",
    "filters.period_help": "{start} to {end}",
    "url.bad_date": "Ignored {name}={raw}: not a date (YYYY-MM-DD).",
    "url.window_reversed": "Ignored the date window {start}–{end}: it ends before it starts.",
    "url.unknown_type": "Ignored unknown event type: {values}.",
    "url.unknown_status": "Ignored unknown status: {values}.",
    "url.unknown_actor": "Ignored unknown actor: {values}.",
    "url.bad_event": "Ignored event={event}: no such event in this data.",
    "url.bad_view": "Ignored the map view lat={lat} lon={lon} z={z}: out of range or not numbers.",
    "url.bad_map": "Ignored map={map}: unknown basemap.", "url.bad_lang": "Ignored lang={value}: use en or ar.",
    "url.bad_story": "Ignored story={story}: no such story.",
    "url.bad_step": "Ignored step={step}: story {story} has steps 1 to {n}.",
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
    # pages: claims, places, import, quality, events, article, ledger
    "col.event_id": "المعرّف", "col.date_start": "التاريخ", "col.date_end": "حتى", "col.date_precision": "دقة التاريخ",
    "col.date_inferred": "تاريخ مستنتَج", "col.title_en": "العنوان (بالإنجليزية)", "col.title_ar": "العنوان",
    "col.summary_en": "الملخص (بالإنجليزية)", "col.summary_ar": "الملخص", "col.event_type": "النوع",
    "col.sub_event_type": "النوع الفرعي", "col.place_ids": "الأماكن", "col.place_relation": "الصلة بالمكان",
    "col.geo_precision": "دقة المكان (1 دقيق – 3 منطقة)", "col.location_note": "المكان بالكلمات",
    "col.actor1": "الطرف", "col.actor2": "الطرف الآخر", "col.fatalities": "القتلى", "col.source_id": "المصدر",
    "col.status": "الحالة", "col.lat": "خط العرض", "col.lon": "خط الطول", "col.notes_public": "ملاحظة",
    "col.notes": "ملاحظات التحرير", "col.claim_id": "الرواية", "col.claimant": "صاحب الرواية",
    "col.claimant_ar": "صاحب الرواية (بالعربية)", "col.spokesperson": "المتحدث", "col.claimant_kind": "الصفة",
    "col.stance": "الموقف", "col.attributed": "منسوب", "col.quote_ar": "الاقتباس بالعربية",
    "col.quote_en": "الاقتباس بالإنجليزية", "col.channel": "القناة", "col.claim_date": "تاريخ الرواية",
    "col.claim_date_precision": "دقة تاريخ الرواية", "col.claim_date_inferred": "تاريخ الرواية مستنتَج",
    "col.origin": "الأصل", "col.quote_start": "بداية الاقتباس", "col.quote_end": "نهاية الاقتباس",
    "col.outlet": "الوسيلة الإعلامية", "col.title": "العنوان", "col.language": "اللغة", "col.published": "تاريخ النشر",
    "col.published_precision": "دقة تاريخ النشر", "col.published_inferred": "تاريخ النشر مستنتَج",
    "col.url": "الرابط", "col.url_not_linked": "العنوان الإلكتروني (ليس رابط ويب، يُعرض نصًّا)",
    "col.text_file": "ملف النص", "col.sha256": "بصمة SHA-256", "col.added_by": "أضافه", "col.added_at": "وقت الإضافة",
    "col.place_id": "المعرّف", "col.name_en": "الاسم (بالإنجليزية)", "col.name_ar": "الاسم",
    "col.alt_names": "أسماء أخرى", "col.kind": "النوع", "col.admin1": "المحافظة", "col.country": "البلد",
    "col.geonames_id": "معرّف GeoNames", "col.coord_source": "مصدر الإحداثيات", "col.coord_precision_m": "الدقة (م)",
    "col.coord_inferred": "مستنتَجة", "col.severity": "الخطورة", "col.file": "الملف", "col.row": "الصف",
    "col.column": "العمود", "col.value": "القيمة", "col.message": "الرسالة", "col.candidate": "المرشّح",
    "col.match": "المطابقة", "col.flags": "تنبيهات", "col.event": "الحدث", "col.relation": "الصلة",
    "col.distance": "المسافة (جيوديسية، WGS84)",
    "stance.asserts": "يؤكد", "stance.denies": "ينفي", "stance.acknowledges": "على علم بالتقارير",
    "stance.no_comment": "امتنع عن التعليق", "stance.claims_responsibility": "يتبنى المسؤولية",
    "kind.monitor": "جهة رصد", "kind.armed_group": "جماعة مسلحة", "kind.coalition": "تحالف",
    "kind.government": "حكومة", "kind.media": "وسيلة إعلام", "kind.individual": "فرد",
    "relation.at": "في", "relation.near": "قرب", "relation.between": "بين", "relation.route": "على مسار",
    "precision.day": "اليوم", "precision.week": "الأسبوع", "precision.month": "الشهر", "precision.year": "السنة",
    "geo.1": "المكان نفسه", "geo.2": "قرب المكان", "geo.3": "منطقة أوسع فقط",
    "severity.error": "خطأ", "severity.warning": "تحذير",
    "status_help.contested": "طرف يؤكده وطرف ينفيه، وأحد الطرفين على الأقل غير منسوب",
    "status_help.denied": "طرف ينفيه، بلا نسبة، ولا أحد يؤكده",
    "status_help.corroborated": "يؤكده طرفان مستقلان أو أكثر، بلا نسبة؛ ولا أحد ينفيه",
    "status_help.single_source": "يؤكده طرف واحد، بلا نسبة؛ ولا أحد ينفيه",
    "status_help.unverified": "لا يوجد سوى «على علم بالتقارير» أو تصريحات منسوبة (والتصريح المنسوب لا يكفي وحده "
                              "أبدًا)",
    "status_help.no_claims": "لا رواية مسجّلة",
    "date.unknown": "تاريخ غير معروف", "date.week": "أسبوع {date}", "date.inferred": " (مستنتَج)",
    "month.1": "يناير", "month.2": "فبراير", "month.3": "مارس", "month.4": "أبريل", "month.5": "مايو",
    "month.6": "يونيو", "month.7": "يوليو", "month.8": "أغسطس", "month.9": "سبتمبر", "month.10": "أكتوبر",
    "month.11": "نوفمبر", "month.12": "ديسمبر",
    "ledger.missing": "هذا الحدث ليس في البيانات المحمّلة.", "ledger.not_in_gazetteer": "ليس في المعجم الجغرافي",
    "ledger.metres": "±{m} م", "ledger.when": "التاريخ:", "ledger.where": "المكان ({relation}):",
    "ledger.source_not_recorded": "المصدر غير مسجّل", "ledger.inferred": "، مستنتَج", "ledger.type": "النوع:",
    "ledger.geo_precision": "دقة المكان {n}", "ledger.actors": "الأطراف:", "ledger.vs": "ضد",
    "ledger.fatalities": "القتلى:", "ledger.not_reported": "غير مذكور", "ledger.note": "ملاحظة:",
    "ledger.curation": "ملاحظات التحرير (للمحررين فقط):", "ledger.heading": "سجل الروايات ({n})",
    "ledger.none": "لا روايات مسجّلة.", "ledger.attributed": "منسوب / غير متحقق منه", "ledger.source": "المصدر:",
    "export.sources": "المصادر", "export.link": "رابط", "export.date_inferred": "، تاريخ مستنتَج",
    "export.note": "صدّر conflictmap هذه الأحداث ({n}). انقر علامة لترى من أكّد الحدث ومن نفاه ومن اكتفى بالعلم "
                   "بالتقارير؛ ويعيد شريط الزمن عرض ما وقع حتى كل تاريخ.",
    "common.editing_off": "التحرير متوقف: لم يُحفظ شيء.",
    "data.database": "قاعدة البيانات", "data.at": " في {where}", "data.cannot_load": "تعذّر تحميل البيانات{at}: {error}",
    "data.where": "البيانات: {path} · ", "data.counts": "الأحداث: {events}، الروايات: {claims}",
    "data.rejected": " · صفوف مرفوضة: {n} (انظر جودة البيانات)",
    "downloads.csv": "CSV (آمن لجداول البيانات)", "downloads.geojson": "GeoJSON (مع الروايات)",
    "downloads.prepare": "تجهيز خريطة HTML مستقلة",
    "downloads.prepare_help": "ملف واحد يعمل دون اتصال: الخريطة وشريط الزمن وسجلات الروايات والمفتاح والمصادر",
    "downloads.html": "تنزيل خريطة HTML",
    "signin.not_configured": "للاطلاع فقط: تسجيل الدخول غير مُعَدّ على هذا الخادم.", "signin.viewing": "للاطلاع فقط",
    "signin.sign_in": "سجّل الدخول للتحرير", "signin.editor": "مسجّل الدخول باسم {who} · يمكنك التحرير",
    "signin.not_editor": "مسجّل الدخول باسم {who}: لست محررًا",
    "signin.not_editor_help": "يمكنك الاطلاع على كل شيء دون تغييره. يستطيع أحد محرري هذا الموقع إضافتك.",
    "signin.sign_out": "تسجيل الخروج",
    "url.window_ignored": "جرى تجاهل النافذة الزمنية: فهي خارج نطاق البيانات.",
    "claims.count": "الروايات: **{claims}** عن الأحداث: **{events}** في الاختيار الحالي.",
    "claims.matrix": "من قال ماذا: صاحب الرواية × الحدث",
    "claims.matrix_help": "يؤكد · ينفي · على علم بالتقارير (يقرّ بوجودها دون أن يؤكدها). الأعمدة أحداث مرتبة حسب "
                          "التاريخ.",
    "claims.none": "لا روايات في الاختيار الحالي.", "claims.every": "كل الروايات", "claims.sources": "المصادر",
    "events.count": "**{n} من {total}** حدثًا تطابق عوامل التصفية في الشريط الجانبي. انقر صفًّا لفتح الحدث على "
                    "الخريطة، وانقر عنوان عمود للترتيب، واستخدم أيقونة البحث في الجدول للعثور على نص فيه.",
    "events.fatalities_help": "فارغ = غير مذكور", "events.download": "تنزيل هذه الأحداث (CSV)",
    "events.download_help": "الصفوف أعلاه بالضبط. الخلايا التي قد يشغّلها برنامج جداول البيانات كمعادلة تُسبق "
                            "بفاصلة عليا.",
    "quality.rejected": "صفوف مرفوضة", "quality.errors": "أخطاء", "quality.warnings": "تحذيرات",
    "quality.all_loaded": "حُمّل كل صف من كل جدول.",
    "quality.help": "تُرقّم الصفوف كما في جداول البيانات: صف العناوين هو الصف 1. يُستبعد الصف الذي فيه خطأ، ويُحمَّل "
                    "باقي الملف. ويصدر التقرير نفسه عن `python -m conflictmap validate`.",
    "import.title": "استيراد البيانات", "import.converting": "جارٍ التحويل…",
    "import.intro": "ارفع **ملف تصدير من ACLED** (بأيٍّ من صيغتي التاريخ، `2018-06-03` أو `03 June 2018`) أو ملف CSV "
                    "من **UCDP GED**. يُتعرَّف على الصيغة من صف العناوين. يصبح كل مصدر يذكره الحدث روايةً؛ وتُدرج "
                    "الصفوف غير القابلة للاستخدام برقم صفها في ملفك، ويُحوَّل الباقي. التحويل موثّق في "
                    "`docs/import-mapping.md`؛ ويجري التحويل نفسه مع `python -m conflictmap import FILE --out DIR` "
                    "ومع `CONFLICTMAP_DATA=FILE`.",
    "import.upload": "ملف تصدير ACLED أو ملف UCDP GED",
    "import.upload_help": "ملف CSV بصف العناوين الذي جاء به التصدير. يُقرأ أيضًا ترميز ويندوز العربي (cp1256)، "
                          "مع تحذير.",
    "import.choose": "اختر ملفًا لترى ما يتحول إليه. لا يُحفظ شيء حتى تطلب ذلك.",
    "import.cannot": "لا يمكن استيراد هذا الملف.",
    "import.unreadable": "تعذّرت قراءة الملف المرفوع ({error}). أعد تسمية الملف إلى something.csv وارفعه من جديد.",
    "import.claims": "الروايات", "import.sources": "المصادر", "import.set_aside": "صفوف مستبعدة",
    "import.all_converted": "حُوّل كل صف.", "import.problems": "المشكلات",
    "import.problems_help": "تُرقّم الصفوف كما في جداول البيانات (صف العناوين هو الصف 1). يُستبعد الصف الذي فيه خطأ؛ "
                            "والتحذيرات للعلم فقط.",
    "import.preview": "معاينة", "import.first_rows": "تُعرض أول {n} صفوف من كل جدول.",
    "import.keep": "الاحتفاظ بالجداول المحوّلة", "import.download": "تنزيل الجداول (zip)",
    "import.download_help": "events.csv وclaims.csv وsources.csv وgeodata/places.csv، مرتبة كمجلد بيانات.",
    "import.server_folder": "مجلد الاستيراد على الخادم", "import.folder": "أو احفظها في مجلد",
    "import.folder_help": "مجلد داخل {where} (اضبط CONFLICTMAP_IMPORT_DIR لتغيير المكان). يُكتب كاملًا أو لا يُكتب "
                          "إطلاقًا.",
    "import.replace": "استبدال الجداول إن كان في المجلد ملفات", "import.save": "حفظ",
    "import.inside": "اختر مجلدًا داخل {where}.", "import.not_saved": "لم تُحفظ الجداول.",
    "import.saved_local": "حُفظت. لفتحها في لوحة العرض:",
    "import.saved_remote": "حُفظت باسم {name} في مجلد الاستيراد على الخادم.",
    "places.intro": "المعجم الجغرافي (geodata/places.csv): كل مكان تشير إليه الأحداث، ومن أين جاءت إحداثياته، "
                    "ومدى دقتها.",
    "places.precision_help": "نصف القطر الذي يقع ضمنه الموقع الحقيقي",
    "places.inferred_help": "مستنتَجة لا مأخوذة من مرجع: انظر الملاحظات",
    "places.precision_unknown": "الدقة غير معروفة", "places.inferred": "مستنتَجة",
    "places.on_map": "**على الخريطة {n} من {total} مكانًا.** الأخضر: من مرجع؛ البرتقالي: مستنتَج. الدائرة المتقطعة "
                     "هي الدقة المذكورة.",
    "places.geocode": "تحديد إحداثيات الأماكن الناقصة",
    "places.all_placed": "لكل مكان في places.csv، ولكل مكان يشير إليه events.csv، إحداثيات.",
    "places.missing_viewer": "أماكن بلا إحداثيات: {n}. يحفظ تحديد إحداثياتها في places.csv، وهذا للمحررين وحدهم "
                             "(CONFLICTMAP_EDIT).",
    "places.names": "الأسماء", "places.in_file": "في places.csv",
    "places.missing_editor": "**أماكن بلا إحداثيات: {n}.** يُبحث عنها في المعجم الجغرافي، ثم في GeoNames (دون "
                             "اتصال)، ثم في خدمة إحداثيات على الإنترنت إن سمحت بذلك.",
    "places.online": "الاستعانة أيضًا بخدمة الإحداثيات على الإنترنت ({service})",
    "places.online_help": "طلب واحد في الثانية على الأكثر، مشترك بين كل مستخدمي هذا التطبيق؛ وتُحفظ كل إجابة في "
                          "geodata/geocode-cache.json.",
    "places.online_env": "اضبط {env} لاستخدام خادم Nominatim خاص بك بدلًا من الخادم العام، الذي تصله أسماء الأماكن "
                         "التي تبحث عنها.",
    "places.geocode_n": "تحديد إحداثيات الأماكن ({n})", "places.indexing": "فهرسة المعجم الجغرافي وGeoNames…",
    "places.failed": "تعطلت خدمة الإحداثيات: {error}. حُدّدت الأماكن أدناه قبل ذلك؛ والإجابات المستلمة محفوظة، فلا "
                     "تتكرر عند المحاولة مجددًا.",
    "places.not_reached": "{label}: لم يُبلَغ",
    "places.existing": "{label}: هذا هو المكان الموجود {same}. استخدم هذا المعرّف في events.csv (أو ادمج الصفين)؛ لا "
                       "شيء للحفظ.",
    "places.choose": "{label}: {outcome} — {note}. اختر واحدًا، أو اتركه فارغًا.", "places.leave_blank": "اتركه فارغًا",
    "places.flagged": "على هذا المرشّح تنبيه؛ سيُحفظ مع التنبيه في ملاحظاته.",
    "places.not_found": "{label}: لم يُعثر عليه. {note}", "places.save": "حفظ الإحداثيات ({n}) في places.csv",
    "places.changed": "تغيّر places.csv منذ البحث؛ أعد تحديد الإحداثيات.",
    "places.write_failed": "تعذّرت كتابة {path}: {error}", "places.saved": "حُفظت الإحداثيات ({n}) في {path}.",
    "places.lookup": "البحث عن اسم (دون اتصال: المعجم الجغرافي وGeoNames)",
    "places.lookup_name": "اسم المكان، بالعربية أو بأي نقل حرفي",
    "places.lookup_placeholder": "مثلًا: بهجين، Hajeen، al-Mayadeen، قاعدة حميميم", "places.from_step": " (من {step})",
    "places.distances": "المسافات بين أماكن الحدث الواحد", "places.invalid": "إحداثيات غير صالحة: {error}",
    "places.no_coordinate": "لا إحداثيات بعد", "places.km": "{km} كم",
    "places.no_multi": "لا يشير أي حدث إلى أكثر من مكان واحد.",
    "article.off": "التحرير متوقف على هذا الخادم، فلا يمكن إضافة المقالات هنا. يمكن لمن لديه صلاحية الكتابة تشغيل "
                   "`python -m conflictmap extract` و`python -m conflictmap apply` (انظر README).",
    "article.intro": "الصق تقريرًا (بالعربية أو الإنجليزية)، وأدخل تاريخ نشره، واقرأه: تُعلَّم في النص الأماكن "
                     "والتواريخ وأصحاب الروايات والكلمات الدالة والاقتباسات التي عُثر عليها، وتُدرج مسودات الأحداث "
                     "بجانبه. صحّح الخطأ، وحدّد ما تريد إضافته، ثم اضغط «قبول». لا يدخل شيء السجل قبل ذلك.",
    "article.drafts": "مسودات أحداث: {n}، روايات: {claims}", "article.no_claims": "لم يُعثر على روايات في هذا النص.",
    "article.reason": "السبب (يُسجَّل في السجل التاريخي)", "article.accept": "قبول",
    "article.accept_help": "أرشفة المقال وإضافة المسودات المحددة، باسم {who}",
    "article.reading_gazetteer": "قراءة المعجم الجغرافي والسجل…",
    "article.text": "نص المقال (الصقه هنا)", "article.upload": "…أو ارفع ملف ‎.txt أو ‎.html",
    "article.published": "تاريخ النشر (مطلوب)", "article.known_to": "معروف بدقة",
    "article.language": "اللغة", "article.lang_detect": "اكتشاف تلقائي", "article.lang_ar": "العربية",
    "article.lang_en": "الإنجليزية",
    "article.language_help": "تُكتشف من النص (عربية أو إنجليزية) ما لم تختر إحداهما",
    "article.outlet": "الوسيلة الإعلامية", "article.outlet_help": "الناشر؛ وما يرويه بنفسه يُسجَّل رواية باسمه",
    "article.url": "الرابط", "article.read": "قراءة المقال",
    "article.date_required": "تاريخ النشر مطلوب: منه تُحسب «أمس» وأيام الأسبوع.",
    "article.unreadable": "تتعذّر قراءة المقال: {error}", "article.highlight": "إبراز اقتباس رواية",
    "article.text_facts": "{n} حرفًا · SHA-256 {sha} · اللغة: {name}",
    "article.background": "خلفية", "article.add_draft": "إضافة هذه المسودة",
    "article.add_draft_help": "مسودات الخلفية تستعيد واقعة سابقة؛ وتُستبعد ما لم تحددها",
    "article.belongs": "تتبع", "article.new_event": "حدث جديد",
    "article.existing_event": "الحدث الموجود {id}: {title}",
    "article.proposal_add": "المقترح: إضافة هذه الروايات إلى {id} ({title})، درجة المطابقة {score}",
    "article.why": "السبب: {reasons}", "article.proposal_new": "المقترح: حدث جديد (لا شيء في السجل يطابقه)",
    "article.disagrees": "يخالف السجل: {text}", "article.title_en": "العنوان (بالإنجليزية)",
    "article.title_ar": "العنوان (بالعربية)", "article.from": "من", "article.to": "إلى",
    "article.sub_type": "النوع الفرعي للحدث", "article.type_cue": "النوع مقترح بناءً على «{cue}»",
    "article.place": "المكان «{name}»", "article.new_place": "مكان جديد: {name}", "article.leave_out": "استبعاد",
    "article.metres": "± بالأمتار", "article.found_by": "عُثر عليه عبر: {source}؛ {how}", "article.nothing": "لا شيء",
    "article.claim_add": "الرواية {n}: إضافتها", "article.show": "إظهار في النص",
    "article.quote": "الاقتباس (حرفيًا من النص)", "article.stance_cue": "دالّة الموقف «{cue}»",
    "article.none_ticked": "لم تُحدَّد أي مسودة: لا شيء للإضافة.", "article.not_added": "لم تُضف: {error}",
    "article.added": "أُضيفت روايات ({claims}) إلى أحداث ({events})، منها جديدة: {new}، وأماكن جديدة: {places}؛ "
                     "وأُرشف المقال بوصفه المصدر {source}.",
    "article.open_on_map": "الفتح على الخريطة:", "article.archived": "SHA-256 {sha} · النص المؤرشف {path}",
    "article.every_row": "كل صف أُضيف (وكلها في السجل التاريخي، باسمك)",
    "highlight.quote": "اقتباس", "highlight.date": "تاريخ", "highlight.place": "مكان",
    "highlight.claimant": "صاحب رواية",
    "highlight.cue": "كلمة دالة", "highlight.selected": "اقتباس الرواية المختارة",
    "filters.period_help": "من {start} إلى {end}",
    "url.bad_date": "جرى تجاهل {name}={raw}: ليس تاريخًا (YYYY-MM-DD).",
    "url.window_reversed": "جرى تجاهل النافذة الزمنية {start}–{end}: تنتهي قبل أن تبدأ.",
    "url.unknown_type": "جرى تجاهل نوع حدث غير معروف: {values}.",
    "url.unknown_status": "جرى تجاهل حالة غير معروفة: {values}.",
    "url.unknown_actor": "جرى تجاهل طرف غير معروف: {values}.",
    "url.bad_event": "جرى تجاهل event={event}: لا حدث بهذا المعرّف في هذه البيانات.",
    "url.bad_view": "جرى تجاهل عرض الخريطة lat={lat} lon={lon} z={z}: خارج النطاق أو ليست أرقامًا.",
    "url.bad_map": "جرى تجاهل map={map}: خريطة أساسية غير معروفة.",
    "url.bad_lang": "جرى تجاهل lang={value}: استخدم en أو ar.",
    "url.bad_story": "جرى تجاهل story={story}: لا قصة بهذا الاسم.",
    "url.bad_step": "جرى تجاهل step={step}: للقصة {story} الخطوات من 1 إلى {n}.",
}

CATALOGUE = {"en": EN, "ar": AR}


def t(key: str, lang: str = "en", **values: object) -> str:
    """The message ``key`` in ``lang`` (English for an unknown language), with ``values`` filled in.

    A key missing from the catalogue raises KeyError: tests/test_i18n.py finds every key the code uses.
    """
    text = CATALOGUE.get(lang, EN)[key]
    return text.format(**values) if values else text
