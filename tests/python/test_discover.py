"""The "Découvrir" quiz through the generated Python bindings: a whole quiz, reasons, a refused context,
back, the profile across a restart, export and "delete all my data". Each test has its own user.db over the
catalogue built once."""

import json
import pathlib

import pytest

from conftest import new_app, o


@pytest.fixture
def app(built, tmp_path):
    shipped = pathlib.Path(built.config().data_dir) / "catalogue.db"
    return new_app(tmp_path / "donnees", o.CatalogueSource.FILE(path=str(shipped)))


def reopen(app):
    """The same data directory opened again, as after the app was killed."""
    return o.Orientation(app.config())


def test_a_whole_quiz_gives_explained_jobs(app):
    quiz = app.discover(None, False)
    q = quiz.question()
    assert q.progress.answered == 0 and q.progress.label == "Question 1 sur environ 12"
    assert [c.answer for c in q.choices] == [
        o.DiscoverAnswer.OUI,
        o.DiscoverAnswer.PLUTOT_OUI,
        o.DiscoverAnswer.PLUTOT_NON,
        o.DiscoverAnswer.NON,
        o.DiscoverAnswer.NE_SAIS_PAS,
    ]
    assert q.choices[4].label == "Je ne sais pas"
    asked = set()
    while q is not None:
        assert q.id not in asked
        asked.add(q.id)
        likes = "14" in q.tags.centres_interet or "R" in q.tags.riasec or "1" in q.tags.centres_interet
        q = quiz.answer(q.id, o.DiscoverAnswer.OUI if likes else o.DiscoverAnswer.NON)
    assert quiz.progress().done and quiz.progress().answered == len(asked) >= 12
    jobs = quiz.results(o.DiscoverFilters())
    assert len(jobs) == 10
    best = jobs[0]
    assert best.reasons, best
    assert any(r.text in ("tu aimes le travail manuel", "tu aimes créer et construire") for r in best.reasons)
    assert quiz.reasons(best.rome) == best.reasons
    for r in best.reasons:
        assert r.question_id in asked and r.label
    with pytest.raises(o.OrientationError.UnknownId):
        quiz.reasons("X9999")
    with pytest.raises(o.OrientationError.InvalidInput):
        quiz.answer("pas_une_question", o.DiscoverAnswer.OUI)
    # A result is starred like any job.
    app.favourites().add(best.rome, o.FavouriteKind.JOB)
    assert quiz.results(o.DiscoverFilters())[0].is_favourite


def test_a_refused_context_stays_out_of_the_top_or_says_so(app):
    quiz = app.discover(o.Formality.VOUS, True)
    for qid in ("secourir", "soigner", "hopital"):
        quiz.answer(qid, o.DiscoverAnswer.OUI)
    quiz.answer("nuit", o.DiscoverAnswer.NON)
    top = quiz.results(o.DiscoverFilters(limit=10))
    assert all(not j.warnings for j in top)
    everything = quiz.results(o.DiscoverFilters(limit=2000))
    flagged = [j for j in everything if j.warnings]
    assert flagged and all(w.refused for j in flagged for w in j.warnings)
    assert flagged[0].warnings[0].text == "Travail de nuit : vous avez répondu non"
    # Refused jobs come after all the others.
    first = everything.index(flagged[0])
    assert all(j.warnings for j in everything[first:])


def test_back_filters_and_trainings_near(app):
    quiz = app.discover(None, True)
    first = quiz.question()
    second = quiz.answer(first.id, o.DiscoverAnswer.PLUTOT_OUI)
    quiz.answer(second.id, o.DiscoverAnswer.NON)
    again = quiz.back()
    assert again.id == second.id and again.current is None
    assert [a.question_id for a in quiz.answers()] == [first.id]
    assert quiz.question_by_id(first.id).current == o.DiscoverAnswer.PLUTOT_OUI
    quiz.answer(second.id, o.DiscoverAnswer.OUI)
    assert quiz.remove_answer(second.id) and not quiz.remove_answer(second.id)
    assert [a.question_id for a in quiz.answers()] == [first.id]
    assert quiz.back().id == first.id
    assert quiz.back() is None
    quiz.answer("cuisine", o.DiscoverAnswer.OUI)
    capped = quiz.results(o.DiscoverFilters(level_max=3))
    assert capped and all(j.level is not None and j.level.level <= 3 for j in capped)
    hiring = quiz.results(o.DiscoverFilters(hiring=True))
    assert hiring and all(j.hiring.level == o.HiringLevel.BEAUCOUP for j in hiring)
    assert all(j.hiring.text.startswith("recrute beaucoup") for j in hiring)
    with pytest.raises(o.OrientationError.InvalidQuery):
        quiz.results(o.DiscoverFilters(level_max=9))
    with pytest.raises(o.OrientationError.UnknownPlace):
        quiz.results(o.DiscoverFilters(near="Nullepartville"))
    near = quiz.trainings_near(capped[0].rome, "13001", 30.0)
    distances = [t.distance_km for t in near.trainings if t.distance_km is not None]
    assert distances == sorted(distances)
    if not near.trainings:
        assert near.elsewhere, "a job of the quiz has at least one training somewhere"


def test_the_profile_survives_a_restart_is_exported_and_is_wiped(app, tmp_path):
    quiz = app.discover(o.Formality.VOUS, True)
    quiz.answer("nature", o.DiscoverAnswer.OUI)
    quiz.answer("animaux", o.DiscoverAnswer.PLUTOT_OUI)
    before = quiz.results(o.DiscoverFilters())
    again = reopen(app).discover(None, False)
    assert again.formality() == o.Formality.VOUS
    assert [(a.question_id, a.answer) for a in again.answers()] == [
        ("nature", o.DiscoverAnswer.OUI),
        ("animaux", o.DiscoverAnswer.PLUTOT_OUI),
    ]
    assert again.results(o.DiscoverFilters()) == before
    assert again.question() == quiz.question()
    assert "Vous pouvez" in again.texts().intro
    path = tmp_path / "export.json"
    app.favourites().export_to(str(path))
    doc = json.loads(path.read_text())
    assert doc["version"] == 2 and len(doc["discover"]["answers"]) == 2
    app.delete_all_my_data()
    assert reopen(app).discover(None, False).answers() == []
    summary = app.favourites().import_from(str(path))
    assert summary.profile_imported
    assert len(reopen(app).discover(None, False).answers()) == 2
