"""Favourites, saved searches, compare, export/import and "delete all my data" through the generated
Python bindings. Each test has its own data directory (its own user.db) over the catalogue built once."""

import json
import pathlib
import shutil
import sqlite3
import threading

import pytest

from conftest import new_app, o


@pytest.fixture
def app(built, tmp_path):
    shipped = pathlib.Path(built.config().data_dir) / "catalogue.db"
    return new_app(tmp_path / "donnees", o.CatalogueSource.FILE(path=str(shipped)))


def page(app, text, **kw):
    return app.catalogue().search(o.SearchQuery(text=text, **kw))


def trainings(app, text, n):
    items = [i for i in page(app, text, kind=o.ItemKind.TRAINING, limit=20).items]
    assert len(items) >= n, [i.id for i in items]
    return items[:n]


def test_a_favourite_gets_a_star_on_the_search_page_and_keeps_what_the_user_saw(app):
    first = page(app, "boulanger", kind=o.ItemKind.JOB).items[0]
    assert not first.is_favourite
    favs = app.favourites()
    fav = favs.add(first.id, None)
    assert (fav.kind, fav.item_id) == (o.FavouriteKind.JOB, first.id)
    assert fav.title and fav.availability == o.Availability.OFFERED()
    assert fav.availability_label == "toujours proposé"
    again = page(app, "boulanger", kind=o.ItemKind.JOB).items
    assert [i.is_favourite for i in again if i.id == first.id] == [True]
    assert not any(i.is_favourite for i in again if i.id != first.id)
    assert favs.are_favourites(
        [o.ItemId(kind=o.FavouriteKind.JOB, id=first.id), o.ItemId(kind=o.FavouriteKind.JOB, id="X9999")]
    ) == [True, False]
    # Adding twice changes nothing.
    favs.add(first.id, o.FavouriteKind.JOB)
    assert len(favs.list(o.FavouriteFilter())) == 1
    assert favs.remove(o.FavouriteKind.JOB, first.id)
    assert not favs.remove(o.FavouriteKind.JOB, first.id)
    assert not favs.is_favourite(o.FavouriteKind.JOB, first.id)


def test_notes_statuses_tags_and_order(app):
    favs = app.favourites()
    a, b = trainings(app, "boulanger", 2)
    job = page(app, "infirmier", kind=o.ItemKind.JOB).items[0]
    for item in (a, b):
        favs.add(item.id, o.FavouriteKind.TRAINING)
    favs.add(job.id, o.FavouriteKind.JOB)
    fav = favs.set_status(o.FavouriteKind.TRAINING, a.id, o.ApplicationStatus.APPLIED)
    assert fav.status == o.ApplicationStatus.APPLIED
    assert o.application_status_label(o.ApplicationStatus.APPLIED) == "candidature envoyée"
    with pytest.raises(o.OrientationError.InvalidInput) as refused:
        favs.set_status(o.FavouriteKind.JOB, job.id, o.ApplicationStatus.APPLIED)
    assert "formation" in str(refused.value)
    with pytest.raises(o.OrientationError.InvalidInput):
        favs.set_note(o.FavouriteKind.JOB, job.id, "x" * 10_001)
    assert favs.set_note(o.FavouriteKind.JOB, job.id, "  appeler le CIO  ").note == "appeler le CIO"
    assert sorted(favs.add_tags(o.FavouriteKind.TRAINING, b.id, ["été", "proche"]).tags) == ["proche", "été"]
    assert favs.remove_tags(o.FavouriteKind.TRAINING, b.id, ["été"]).tags == ["proche"]
    applied = favs.list(o.FavouriteFilter(status=o.ApplicationStatus.APPLIED))
    assert [f.item_id for f in applied] == [a.id]
    assert [f.item_id for f in favs.list(o.FavouriteFilter(tag="proche"))] == [b.id]
    favs.move_to(o.FavouriteKind.JOB, job.id, 0)
    assert [f.item_id for f in favs.list(o.FavouriteFilter())] == [job.id, a.id, b.id]
    with pytest.raises(o.OrientationError.UnknownId):
        favs.add("X9999", None)


def test_export_delete_all_then_import_gives_everything_back(app, tmp_path):
    favs = app.favourites()
    a, b = trainings(app, "cariste", 2)
    favs.add(a.id, None)
    favs.add(b.id, None)
    favs.set_note(o.FavouriteKind.TRAINING, b.id, "financement CPF ?")
    favs.save_search("caristes", o.SearchQuery(text="cariste", kind=o.ItemKind.TRAINING))
    before = favs.list(o.FavouriteFilter())
    path = tmp_path / "mes-favoris.json"
    summary = favs.export_to(str(path))
    assert (summary.favourites, summary.saved_searches) == (2, 1)
    doc = json.loads(path.read_text())
    assert len(doc["favourites"]) == 2

    app.delete_all_my_data()
    assert favs.list(o.FavouriteFilter()) == [] and favs.saved_searches() == []
    assert not any(i.is_favourite for i in page(app, "cariste", kind=o.ItemKind.TRAINING).items)

    summary = favs.import_from(str(path))
    assert (summary.favourites_added, summary.searches_added) == (2, 1)
    assert favs.list(o.FavouriteFilter()) == before
    assert [s.name for s in favs.saved_searches()] == ["caristes"]


def test_a_broken_or_newer_export_is_refused_and_changes_nothing(app, tmp_path):
    favs = app.favourites()
    (a,) = trainings(app, "cariste", 1)
    favs.add(a.id, None)
    path = tmp_path / "export.json"
    favs.export_to(str(path))
    text = path.read_text()
    favs.remove(o.FavouriteKind.TRAINING, a.id)
    newer = json.loads(text)
    newer["version"] = 99
    for broken in (text[: len(text) // 2], "pas du json", json.dumps(newer)):
        path.write_text(broken)
        with pytest.raises(o.OrientationError.InvalidExport) as refused:
            favs.import_from(str(path))
        assert "rien n'a été modifié" in str(refused.value)
        assert favs.list(o.FavouriteFilter()) == []
    with pytest.raises(o.OrientationError.Storage):
        favs.import_from(str(tmp_path / "absent.json"))


def test_saved_searches_replay_and_report_nothing_new_right_after_saving(app):
    favs = app.favourites()
    query = o.SearchQuery(text="boulanger", kind=o.ItemKind.TRAINING)
    saved = favs.save_search("Boulangerie", query)
    assert (saved.name, saved.text) == ("Boulangerie", "boulanger")
    with pytest.raises(o.OrientationError.InvalidInput):
        favs.save_search("Boulangerie", query)
    replayed = favs.run_saved_search(saved.id)
    assert [i.id for i in replayed.items] == [i.id for i in app.catalogue().search(query).items]
    news = favs.check_saved_searches()
    assert [(n.search_id, n.new_results, n.registrations_opened) for n in news] == [(saved.id, [], [])]
    favs.mark_seen(saved.id)
    assert favs.remove_saved_search(saved.id)
    with pytest.raises(o.OrientationError.UnknownId):
        favs.run_saved_search(saved.id)


def test_compare_two_trainings_side_by_side(app):
    a, b = trainings(app, "boulanger", 2)
    comparison = app.favourites().compare([a.id, b.id], o.Location.TYPED(text="Marseille"))
    columns = comparison.trainings
    assert [c.id for c in columns] == [a.id, b.id]
    catalogue = app.catalogue()
    for column in columns:
        sheet = catalogue.training(column.id)
        assert column.title == sheet.title
        assert all(p.distance_km is None or p.distance_km >= 0 for p in column.places)
    # The table: one row per criterion, one non-empty cell per training.
    rows = {r.criterion: r for r in comparison.rows}
    assert o.CompareCriterion.NEXT_START in rows and rows[o.CompareCriterion.PRICE].label == "Prix"
    for row in comparison.rows:
        assert len(row.cells) == 2 and all(cell.lines for cell in row.cells), row.label
    # The nearest training's places are marked best, unless both are as near (or unlocated).
    near = [c.nearest_km for c in columns]
    marked = [cell.best for cell in rows[o.CompareCriterion.PLACES].cells]
    if None not in near and near[0] != near[1]:
        assert marked == [near[0] < near[1], near[1] < near[0]]
    elif near[0] == near[1]:
        assert marked == [False, False]
    for column, cell in zip(columns, rows[o.CompareCriterion.SESSIONS].cells):
        assert len(cell.lines) == max(1, len(column.sessions))
    with pytest.raises(o.OrientationError.InvalidInput):
        app.favourites().compare([a.id], None)
    with pytest.raises(o.OrientationError.InvalidInput):
        app.favourites().compare([a.id, a.id], None)
    with pytest.raises(o.OrientationError.UnknownId):
        app.favourites().compare([a.id, "inconnue"], None)


def test_add_with_details_sets_them_at_once_and_a_refused_detail_adds_nothing(app):
    favs = app.favourites()
    (t,) = trainings(app, "cariste", 1)
    details = o.FavouriteDetails(note="rappeler lundi", status=o.ApplicationStatus.TO_CONTACT, tags=["CACES"])
    fav = favs.add(t.id, o.FavouriteKind.TRAINING, details)
    assert (fav.note, fav.status, fav.tags) == ("rappeler lundi", o.ApplicationStatus.TO_CONTACT, ["CACES"])
    # Again on the same favourite: the status is replaced, the tags added to.
    fav = favs.add(t.id, None, o.FavouriteDetails(status=o.ApplicationStatus.APPLIED, tags=["proche"]))
    assert (fav.note, fav.status, sorted(fav.tags)) == ("rappeler lundi", o.ApplicationStatus.APPLIED, ["CACES", "proche"])
    job = page(app, "infirmier", kind=o.ItemKind.JOB).items[0]
    with pytest.raises(o.OrientationError.InvalidInput):
        favs.add(job.id, o.FavouriteKind.JOB, o.FavouriteDetails(status=o.ApplicationStatus.APPLIED))
    with pytest.raises(o.OrientationError.InvalidInput):
        favs.add(job.id, o.FavouriteKind.JOB, o.FavouriteDetails(tags=["x" * 41]))
    assert not favs.is_favourite(o.FavouriteKind.JOB, job.id)
    assert [f.item_id for f in favs.list(o.FavouriteFilter())] == [t.id]


def test_a_favourite_says_when_the_catalogue_no_longer_offers_it_or_its_dates_moved(app, tmp_path):
    """What the catalogue says now against the snapshot the user saw. The catalogue cannot change under a
    test, so the snapshots are made older instead, through an export document edited by hand."""
    favs = app.favourites()
    training = None
    for item in page(app, "boulanger", kind=o.ItemKind.TRAINING, limit=50).items:
        if favs.add(item.id, o.FavouriteKind.TRAINING).dates:
            training = item
            break
        favs.remove(o.FavouriteKind.TRAINING, item.id)
    assert training, "aucune formation de boulanger avec des sessions datées"
    job = page(app, "infirmier", kind=o.ItemKind.JOB).items[0]
    favs.add(job.id, o.FavouriteKind.JOB)
    path = tmp_path / "export.json"
    favs.export_to(str(path))
    doc = json.loads(path.read_text())
    by_id = {f["id"]: f for f in doc["favourites"]}
    current_dates = by_id[training.id]["snapshot"]["dates"]
    # Seen back then: one more session, since gone.
    by_id[training.id]["snapshot"]["dates"] = current_dates + [
        {"session_id": "session-disparue", "start": "2020-01-06", "end": "2020-06-26"}
    ]
    by_id[job.id]["snapshot"]["title"] = "Ancien intitulé"
    gone = dict(by_id[job.id], id="Z9999", snapshot={"title": "Métier retiré du ROME"})
    doc["favourites"].append(gone)
    path.write_text(json.dumps(doc))
    app.delete_all_my_data()
    favs.import_from(str(path))

    listed = {f.item_id: f for f in favs.list(o.FavouriteFilter())}
    moved = listed[training.id]
    assert moved.availability_label == "dates modifiées"
    assert isinstance(moved.availability, o.Availability.DATES_CHANGED)
    assert sorted(d.session_id for d in moved.availability.dates) == sorted(d["session_id"] for d in current_dates)
    assert "session-disparue" in [d.session_id for d in moved.dates]  # the snapshot, as the user saw it
    renamed = listed[job.id]
    assert isinstance(renamed.availability, o.Availability.UPDATED)
    assert renamed.title == "Ancien intitulé" and renamed.availability.title not in ("", "Ancien intitulé")
    removed = listed["Z9999"]
    assert removed.availability == o.Availability.NO_LONGER_OFFERED()
    assert (removed.title, removed.availability_label) == ("Métier retiré du ROME", "n'est plus proposé")

    # The user has seen the change: the snapshot becomes what the catalogue says now.
    assert favs.acknowledge_change(o.FavouriteKind.TRAINING, training.id).availability == o.Availability.OFFERED()
    assert favs.acknowledge_change(o.FavouriteKind.JOB, job.id).title == renamed.availability.title
    # Gone from the catalogue: nothing to take, the snapshot stays.
    kept = favs.acknowledge_change(o.FavouriteKind.JOB, "Z9999")
    assert (kept.title, kept.availability) == ("Métier retiré du ROME", o.Availability.NO_LONGER_OFFERED())


def test_many_threads_add_and_read_without_a_locked_database(app):
    favs = app.favourites()
    jobs = page(app, "agent", kind=o.ItemKind.JOB, limit=40).items
    errors = []

    def work(part):
        try:
            for item in part:
                favs.add(item.id, o.FavouriteKind.JOB)
                favs.list(o.FavouriteFilter())
                app.catalogue().search(o.SearchQuery(text="agent"))
        except Exception as e:  # noqa: BLE001 - the test reports whatever went wrong
            errors.append(e)

    threads = [threading.Thread(target=work, args=(jobs[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert {f.item_id for f in favs.list(o.FavouriteFilter())} == {i.id for i in jobs}
