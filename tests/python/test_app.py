"""The entry object through the generated Python bindings: config, catalogue build (async, progress,
cancellation), state subscription with its TaskHandle, errors, logging, panics."""

import asyncio
import pathlib
import re
import threading

import pytest

from conftest import ROOT, new_app, o, small_app


def catalogue_file(app):
    return pathlib.Path(app.config().data_dir) / "catalogue.db"


class Progress(o.BuildProgressListener):
    def __init__(self, on_first=None):
        self.seen = []
        self.on_first = on_first

    def on_progress(self, progress):
        self.seen.append(progress)
        if self.on_first is not None and len(self.seen) == 1:
            self.on_first()


class States(o.CatalogueStateListener):
    def __init__(self):
        self.seen = []
        self.changed = threading.Condition()

    def on_state(self, state):
        with self.changed:
            self.seen.append(state)
            self.changed.notify_all()

    def wait_for(self, count):
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.seen) >= count, timeout=60), self.seen


def test_core_version_is_the_workspace_version():
    cargo = (ROOT / "Cargo.toml").read_text()
    version = re.search(r'^version = "([^"]+)"', cargo, re.M).group(1)
    assert o.core_version() == version


def test_config_is_checked(tmp_path):
    with pytest.raises(o.OrientationError.InvalidConfig):
        new_app("")
    with pytest.raises(o.OrientationError.InvalidConfig):
        new_app(tmp_path, o.CatalogueSource.OPEN_DATA(dir=" "))
    a_file = tmp_path / "fichier"
    a_file.write_text("x")
    with pytest.raises(o.OrientationError.DataDir):
        new_app(a_file)
    app = new_app(tmp_path / "nouveau" / "dossier")
    assert (tmp_path / "nouveau" / "dossier").is_dir()
    config = app.config()
    assert config.locale == "fr-FR" and config.homeserver_url is None


def test_before_a_build_there_is_no_catalogue(tmp_path):
    app = new_app(tmp_path)
    assert app.catalogue_state() == o.CatalogueState.MISSING()
    with pytest.raises(o.OrientationError.CatalogueMissing):
        app.catalogue()


def test_build_reports_progress_and_its_sources(tmp_path, small_data):
    app = small_app(tmp_path, small_data)
    progress = Progress()
    report = asyncio.run(app.build_catalogue(progress))
    assert [p.done for p in progress.seen] == list(range(progress.seen[-1].total + 1))
    assert all(p.label for p in progress.seen)
    assert report.rows_read >= report.rows_kept > 0
    assert report.rows_read == sum(s.rows_read for s in report.sources)
    assert any(s.file.startswith("rome/") for s in report.sources)
    assert app.catalogue_state() == o.CatalogueState.READY()
    assert app.catalogue().search(o.SearchQuery(text="boulanger")).items


def test_open_catalogue_builds_once_then_opens(tmp_path, small_data):
    app = small_app(tmp_path, small_data)
    progress = Progress()
    first = asyncio.run(app.open_catalogue(progress))
    assert progress.seen, "the first open builds"
    assert first.search(o.SearchQuery(text="infirmier")).items
    again = Progress()
    asyncio.run(small_app(tmp_path, small_data).open_catalogue(again))
    assert again.seen == [], "a built catalogue is opened, not rebuilt"


def test_a_catalogue_file_is_opened_where_it_is(built, tmp_path):
    shipped = tmp_path / "livre"
    shipped.mkdir()
    # A catalogue file as the shell would ship it: a copy of a built one.
    (shipped / "catalogue.db").write_bytes(catalogue_file(built).read_bytes())
    app = new_app(tmp_path / "donnees", o.CatalogueSource.FILE(path=str(shipped / "catalogue.db")))
    assert app.catalogue_state() == o.CatalogueState.READY()
    assert app.catalogue().job("D1102").title.startswith("Boulanger")
    with pytest.raises(o.OrientationError.InvalidConfig):
        asyncio.run(app.build_catalogue(None))
    missing = new_app(tmp_path / "autre", o.CatalogueSource.FILE(path=str(tmp_path / "absent.db")))
    with pytest.raises(o.OrientationError.CatalogueMissing):
        missing.catalogue()


def test_cancel_keeps_the_previous_catalogue(tmp_path, small_data):
    app = small_app(tmp_path, small_data)
    asyncio.run(app.build_catalogue(None))
    before = app.catalogue().search(o.SearchQuery(text="boulanger"))
    progress = Progress(on_first=app.cancel_catalogue_build)
    with pytest.raises(o.OrientationError.Cancelled):
        asyncio.run(app.build_catalogue(progress))
    assert progress.seen[-1].done < progress.seen[-1].total
    assert app.catalogue_state() == o.CatalogueState.READY()
    fresh = small_app(tmp_path, small_data).catalogue()
    assert fresh.search(o.SearchQuery(text="boulanger")) == before
    # The slot is free again: a new build runs to the end.
    asyncio.run(app.build_catalogue(None))


def test_cancelling_the_task_cancels_the_build(tmp_path, small_data):
    app = small_app(tmp_path, small_data)
    started = threading.Event()

    async def main():
        task = asyncio.ensure_future(app.build_catalogue(Progress(on_first=started.set)))
        while not started.is_set():
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    # The build stops at its next read of the open data and gives the slot back; no catalogue was made.
    states = States()
    handle = app.watch_catalogue(states)
    with states.changed:
        assert states.changed.wait_for(
            lambda: states.seen and states.seen[-1] == o.CatalogueState.MISSING(), timeout=60
        ), states.seen
    handle.cancel()
    with pytest.raises(o.OrientationError.CatalogueMissing):
        app.catalogue()


def test_a_second_build_while_one_runs_is_refused(tmp_path, small_data):
    app = small_app(tmp_path, small_data)
    release = threading.Event()
    reached = threading.Event()

    class Blocking(o.BuildProgressListener):
        def on_progress(self, progress):
            if progress.done == 0:
                reached.set()
                release.wait(60)

    async def main():
        first = asyncio.ensure_future(app.build_catalogue(Blocking()))
        while not reached.is_set():
            await asyncio.sleep(0.01)
        with pytest.raises(o.OrientationError.Busy):
            await app.build_catalogue(None)
        release.set()
        return await first

    assert asyncio.run(main()).rows_kept > 0


def test_watch_gives_the_state_then_changes_until_cancelled(tmp_path, small_data):
    app = small_app(tmp_path, small_data)
    states = States()
    handle = app.watch_catalogue(states)
    states.wait_for(1)
    assert states.seen[0] == o.CatalogueState.MISSING()
    asyncio.run(app.build_catalogue(None))
    with states.changed:
        assert states.changed.wait_for(
            lambda: states.seen[-1] == o.CatalogueState.READY(), timeout=60
        )
    building = [s for s in states.seen if s.is_BUILDING()]
    assert building, states.seen
    assert building[0].progress.total > 0
    assert not handle.is_finished()
    handle.cancel()
    assert handle.is_finished()
    count = len(states.seen)
    asyncio.run(app.build_catalogue(None))
    assert len(states.seen) == count


def test_a_failing_listener_does_not_fail_the_build(tmp_path, small_data):
    class Broken(o.BuildProgressListener):
        def on_progress(self, progress):
            raise ValueError("bug de l'application")

    report = asyncio.run(small_app(tmp_path, small_data).build_catalogue(Broken()))
    assert report.rows_kept > 0


def test_missing_open_data_is_a_clear_error(tmp_path):
    empty = tmp_path / "vide"
    empty.mkdir()
    app = new_app(tmp_path / "d", o.CatalogueSource.OPEN_DATA(dir=str(empty)))
    with pytest.raises(o.OrientationError.SourceMissing) as err:
        asyncio.run(app.build_catalogue(None))
    assert "introuvables" in str(err.value)
    assert app.catalogue_state() == o.CatalogueState.MISSING()


def test_a_panic_becomes_an_exception_and_the_library_keeps_working(catalogue):
    with pytest.raises(o.InternalError):
        o.panic_for_tests()
    assert catalogue.search(o.SearchQuery(text="boulanger")).items


class Collect(o.Logger):
    def __init__(self):
        self.records = []

    def log(self, record):
        self.records.append(record)


def test_logs_reach_the_foreign_logger_without_user_text(built, tmp_path):
    logs = Collect()
    o.set_logger(logs, o.LogLevel.DEBUG)
    try:
        app = new_app(catalogue_file(built).parent)
        app.catalogue().search(o.SearchQuery(text="boulangerie artisanale"))
        with pytest.raises(o.OrientationError.UnknownPlace):
            app.catalogue().search(
                o.SearchQuery(text="x", near=o.Location.TYPED(text="Rue Imaginaire Dupont"))
            )
    finally:
        o.clear_logger()
    messages = [r.message for r in logs.records]
    assert any(m.startswith("catalogue ouvert") for m in messages), messages
    assert any(m.startswith("recherche") for m in messages), messages
    assert all(r.target.startswith("orientation") for r in logs.records)
    for m in messages:
        assert "boulangerie" not in m and "Dupont" not in m


def test_log_level_filters_records(built):
    logs = Collect()
    o.set_logger(logs, o.LogLevel.WARN)
    try:
        new_app(catalogue_file(built).parent).catalogue().search(o.SearchQuery(text="boulanger"))
    finally:
        o.clear_logger()
    assert all(r.level in (o.LogLevel.WARN, o.LogLevel.ERROR) for r in logs.records)
    assert not any(r.message.startswith("catalogue ouvert") for r in logs.records)

