"""Search and sheets through the generated Python bindings, on the catalogue built from data/."""

import threading
import unicodedata

import pytest

from conftest import o


def fold(text):
    return "".join(
        c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c)
    )


def highlighted(item):
    # Python strings index code points; UTF-16 offsets equal them for text without astral characters,
    # which the encoded title lets us check.
    units = item.title.encode("utf-16-le")
    return [units[r.start * 2 : r.end * 2].decode("utf-16-le") for r in item.title_highlights]


def search(catalogue, text, **kw):
    return catalogue.search(o.SearchQuery(text=text, **kw))


def test_a_job_search_gives_screen_ready_items(catalogue):
    page = search(catalogue, "boulangère")
    first = page.items[0]
    assert (first.kind, first.id, first.rome) == (o.ItemKind.JOB, "D1102", "D1102")
    assert first.subtitle
    assert first.distance_km is None and not first.is_favourite
    words = highlighted(first)
    assert len(words) == 2 and all(fold(w).startswith("boulang") for w in words), words
    assert page.widened_to_km is None


def test_the_word_being_typed_is_completed_and_highlighted(catalogue):
    page = search(catalogue, "infirm")
    assert page.items and page.items[0].kind == o.ItemKind.JOB
    assert any(fold(w).startswith("infirm") for w in highlighted(page.items[0]))


def test_kind_filter_keeps_the_counts_of_every_kind(catalogue):
    page = search(catalogue, "boulanger", kind=o.ItemKind.TRAINING, limit=10)
    assert page.items and all(i.kind == o.ItemKind.TRAINING for i in page.items)
    kinds = {k.kind: k.count for k in page.facets.kinds}
    assert kinds.get(o.ItemKind.JOB, 0) > 0
    assert kinds[o.ItemKind.TRAINING] >= len(page.items)


def test_facets_are_typed_and_labelled(catalogue):
    facets = search(catalogue, "formation", kind=o.ItemKind.TRAINING).facets
    assert facets.levels and all(1 <= lv.level <= 8 for lv in facets.levels)
    assert all(lv.label.startswith(f"Niveau {lv.level}") for lv in facets.levels)
    assert all(isinstance(f.funding, o.Funding) and f.label for f in facets.funding)
    jobs = search(catalogue, "conducteur", kind=o.ItemKind.JOB).facets
    assert jobs.grand_domaines
    assert all(len(d.code) == 1 and d.label != d.code for d in jobs.grand_domaines)


def test_a_facet_value_used_as_filter_keeps_what_it_counted(catalogue):
    facets = search(catalogue, "conducteur", kind=o.ItemKind.JOB).facets
    domain = max(facets.grand_domaines, key=lambda d: d.count)
    page = search(
        catalogue,
        "conducteur",
        kind=o.ItemKind.JOB,
        limit=100,
        filters=o.SearchFilters(grand_domaine=domain.code),
    )
    assert len(page.items) == min(domain.count, 100)
    assert all(i.rome.startswith(domain.code) for i in page.items)


def test_training_filters_select_on_levels_and_registration(catalogue):
    page = search(
        catalogue, "", kind=o.ItemKind.TRAINING, limit=50, filters=o.SearchFilters(level_min=5)
    )
    assert page.items
    for item in page.items:
        assert catalogue.training(item.id).level_exit >= 5
    page = search(
        catalogue,
        "",
        kind=o.ItemKind.TRAINING,
        limit=50,
        filters=o.SearchFilters(registration_open=True),
    )
    assert page.items
    for item in page.items:
        assert o.BadgeKind.REGISTRATION_OPEN in [b.kind for b in item.badges]
        sheet = catalogue.training(item.id)
        assert any(s.registration_open for a in sheet.actions for s in a.sessions)
        assert sheet.badges == item.badges


def test_funding_and_mode_filters_match_the_sheets(catalogue):
    facets = search(catalogue, "", kind=o.ItemKind.TRAINING, filters=o.SearchFilters(
        modes=[o.TeachingMode.PRESENTIEL, o.TeachingMode.MIXTE, o.TeachingMode.DISTANCE])).facets
    funding = facets.funding[0].funding
    page = search(
        catalogue, "", kind=o.ItemKind.TRAINING, limit=50, filters=o.SearchFilters(funding=[funding])
    )
    assert len(page.items) == min(facets.funding[0].count, 50)
    for item in page.items:
        assert any(funding in a.funding for a in catalogue.training(item.id).actions)
    page = search(
        catalogue,
        "",
        kind=o.ItemKind.TRAINING,
        filters=o.SearchFilters(modes=[o.TeachingMode.DISTANCE]),
    )
    assert page.items
    for item in page.items:
        assert o.BadgeKind.DISTANCE_LEARNING in [b.kind for b in item.badges]
        modes = [a.teaching_mode for a in catalogue.training(item.id).actions]
        assert o.TeachingMode.DISTANCE in modes


def test_near_a_point_gives_distances_within_the_radius_or_says_it_widened(catalogue):
    # Olivet, near Orléans, where an LHEO training body is.
    near = o.Location.COORDINATES(lat=47.86, lon=1.9)
    page = search(catalogue, "", kind=o.ItemKind.PLACE, near=near, radius_km=30)
    assert page.items
    limit = page.widened_to_km or 30
    distances = [i.distance_km for i in page.items]
    assert all(d is not None and d <= limit for d in distances)
    assert distances == sorted(distances)
    typed = search(catalogue, "", kind=o.ItemKind.PLACE, near=o.Location.TYPED(text="47.86, 1.9"))
    assert [i.id for i in typed.items] == [i.id for i in page.items]


def test_bad_queries_are_errors_not_guesses(catalogue):
    bad = [
        dict(limit=0),
        dict(radius_km=-1.0),
        dict(filters=o.SearchFilters(level_min=9)),
        dict(filters=o.SearchFilters(start_after="2026-02-31")),
        dict(filters=o.SearchFilters(start_after="31-12-2026")),
        dict(filters=o.SearchFilters(grand_domaine="Z")),
        dict(near=o.Location.COORDINATES(lat=0.0, lon=200.0)),
    ]
    for kw in bad:
        with pytest.raises(o.OrientationError.InvalidQuery):
            search(catalogue, "x", **kw)
    # The French order is a date too, and the refusal's words are the CLI's.
    search(catalogue, "x", filters=o.SearchFilters(start_after="31/12/2026"))
    why = catalogue.check_query(
        o.SearchQuery(text="x", filters=o.SearchFilters(start_after="2026-02-31"))
    )
    assert why.startswith("date invalide « 2026-02-31 »")
    with pytest.raises(o.OrientationError.UnknownPlace) as err:
        search(catalogue, "x", near=o.Location.TYPED(text="Atlantide-sur-Mer"))
    assert "Atlantide" not in str(err.value)


def test_odd_text_never_breaks_a_search(catalogue):
    for text in ["", " ", "\x00", "🥖🥐 boulanger", "'" * 50, "a" * 100_000, "\ud7ff\ue000", "*:\"OR"]:
        page = search(catalogue, text)
        for item in page.items:
            units = len(item.title.encode("utf-16-le")) // 2
            assert all(0 <= r.start < r.end <= units for r in item.title_highlights)


def test_interrupt_from_another_thread_stops_a_running_search(catalogue):
    # A costly query (many common words) and interrupts sent without pause while it runs: the search must
    # give up with Interrupted rather than finish.
    query = o.SearchQuery(
        text="technicien agent responsable conseiller formation professionnelle", limit=50
    )
    outcomes = []
    for _ in range(20):
        done = threading.Event()

        def interrupter():
            while not done.is_set():
                catalogue.interrupt()

        thread = threading.Thread(target=interrupter)
        thread.start()
        try:
            catalogue.search(query)
            outcomes.append("fini")
        except o.OrientationError.Interrupted as e:
            outcomes.append("interrompu")
            assert str(e) == "Recherche interrompue."
        finally:
            done.set()
            thread.join()
        if "interrompu" in outcomes:
            break
    assert "interrompu" in outcomes, outcomes
    # Later searches run normally.
    assert catalogue.search(query).items


def test_highlight_any_text(catalogue):
    assert catalogue.highlight("boulanger", "CAP Boulanger") == [o.TextRange(start=4, end=13)]
    assert catalogue.highlight("boulanger", "🥖 Boulanger") == [o.TextRange(start=3, end=12)]
    assert catalogue.highlight("plombier", "CAP Boulanger") == []


def test_job_sheet(catalogue):
    job = catalogue.job("d1102")
    assert job.code_rome == "D1102" and job.title.startswith("Boulanger")
    assert any(a.principal for a in job.appellations)
    assert job.skills and all(g.label and g.items for g in job.skills)
    assert all(m.rank >= 1 and m.code_rome != "D1102" for m in job.mobilities)
    assert job.trainings and job.certifications
    same = catalogue.sheet("D1102")
    assert same.is_JOB() and same.sheet == job


def test_training_sheet_with_sessions(catalogue):
    item = search(
        catalogue,
        "",
        kind=o.ItemKind.TRAINING,
        filters=o.SearchFilters(registration_open=True),
    ).items[0]
    training = catalogue.training(item.id)
    assert training.source == "lheo" and training.title == item.title
    sessions = [s for a in training.actions for s in a.sessions]
    assert sessions and all(s.start_date is None or len(s.start_date) == 10 for s in sessions)
    assert any(s.registration_label.startswith("inscriptions ouvertes") for s in sessions)
    placed = [a.place for a in training.actions if a.place is not None]
    assert placed and all(p.kind == o.PlaceKind.TRAINING_SITE for p in placed)
    if training.level_exit is not None:
        assert training.level_exit_label.startswith(f"Niveau {training.level_exit}")


def test_place_and_certification_sheets(catalogue):
    near = o.Location.COORDINATES(lat=47.86, lon=1.9)
    item = search(catalogue, "", kind=o.ItemKind.PLACE, near=near).items[0]
    place = catalogue.place(item.id)
    assert place.name == item.title and place.kind_label
    assert place.lat is not None and place.opening_hours == []
    cert_link = catalogue.job("D1102").certifications[0]
    cert = catalogue.certification(cert_link.id)
    # The link names the certification with its type, level and certifier, to tell same titles apart.
    assert cert_link.title.startswith(cert.title)
    assert "D1102" in [j.id for j in cert.jobs]


def test_aid_sheet(catalogue):
    page = search(catalogue, "aide", kind=o.ItemKind.AID)
    if not page.items:
        pytest.skip("ce catalogue ne contient pas encore d'aides (import des aides à venir)")
    aid = catalogue.aid(page.items[0].id)
    assert aid.label == page.items[0].title


def test_unknown_ids_and_wrong_kinds(catalogue):
    with pytest.raises(o.OrientationError.UnknownId):
        catalogue.sheet("Z9999")
    with pytest.raises(o.OrientationError.UnknownId):
        catalogue.job("lheo:07_10")
    with pytest.raises(o.OrientationError.UnknownId):
        catalogue.training("D1102")


def test_catalogue_info(catalogue):
    info = catalogue.info()
    assert info.built_at and info.built_at > 1_700_000_000
    counts = {c.label: c.count for c in info.counts}
    assert counts["Fiches métiers (ROME)"] > 1000
    assert info.sources and all(s.licence and s.label for s in info.sources)
    assert info.issues >= 0


def test_a_parcoursup_offer_near_marseille_names_its_establishment_and_programme(catalogue):
    near = o.Location.TYPED(text="13001")
    page = search(catalogue, "bts commerce", kind=o.ItemKind.TRAINING, near=near, limit=5)
    assert len(page.items) == 5
    for item in page.items:
        assert item.title.startswith("BTS") and item.distance_km is not None and item.distance_km <= 30
        assert item.subtitle.count(" · ") >= 2, item.subtitle  # type · establishment · town
    training = catalogue.training(page.items[0].id)
    assert training.source == "parcoursup"
    assert training.programme is not None and training.programme.id.startswith("onisep:")
    assert training.source_note and "Parcoursup" in training.source_note
    assert training.organisme.status_label in ("public", "privé sous contrat")
    assert training.jobs


def test_a_private_school_without_contract_says_so(catalogue):
    near = o.Location.TYPED(text="13001")
    page = search(catalogue, "", kind=o.ItemKind.TRAINING, near=near, radius_km=20, limit=500)
    marked = [i for i in page.items if "(privé hors contrat)" in (i.subtitle or "")]
    assert marked, [i.subtitle for i in page.items[:5]]
    training = catalogue.training(marked[0].id)
    assert training.organisme.status_warning and "hors contrat" in training.organisme.status_warning


def test_a_place_in_the_words_is_understood_and_can_be_removed(catalogue):
    page = search(catalogue, "aide soignante marseille")
    assert page.near is not None
    assert page.near.found_by == o.NearFoundBy.COMMUNE
    assert page.near.label == "Marseille (13)"
    assert page.near.said == "près de Marseille (13)"
    assert page.near.words == "marseille"
    # No located aide-soignant training in our data: the job first, and the page says so.
    assert page.items[0].rome == "J1501"
    assert page.notice == "Aucune formation localisée trouvée près de Marseille (13)"
    # "aide" belongs to the job's title: no aid intent.
    assert page.intent is None
    # The chip removed: the words as typed, no place.
    again = search(catalogue, "aide soignante marseille", read_place=False)
    assert again.near is None and again.notice is None


def test_postcodes_and_departements_in_the_words(catalogue):
    page = search(catalogue, "formation cariste 13001")
    assert page.near.found_by == o.NearFoundBy.POSTCODE
    assert page.near.label == "Marseille (13001)"
    assert page.intent.kind == o.ItemKind.TRAINING and page.intent.words == "formation"
    assert page.items[0].kind == o.ItemKind.TRAINING
    assert "cariste" in fold(page.items[0].title)
    page = search(catalogue, "cap cuisine 13")
    assert page.near.found_by == o.NearFoundBy.DEPARTEMENT
    assert page.near.label == "Bouches-du-Rhône (13)"


def test_intent_words_and_a_given_place(catalogue):
    page = search(catalogue, "mission locale marseille")
    assert page.intent.kind == o.ItemKind.PLACE and page.intent.said == "lieux en premier"
    assert any(i.kind == o.ItemKind.PLACE and "marseille" in fold(i.title) for i in page.items[:3])
    given = search(catalogue, "boulanger", near=o.Location.TYPED(text="13001"))
    assert given.near.found_by == o.NearFoundBy.GIVEN
    assert given.near.words is None
