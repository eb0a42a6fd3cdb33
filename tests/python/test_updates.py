"""Catalogue updates through the generated Python bindings, against nginx on 127.0.0.1 serving a small
real catalogue published by the CLI (tests/updates/prepare): first install, progress phases, an open
Catalogue answering across the swap, nothing new, cancel, refusals with their typed errors."""

import asyncio
import os
import pathlib
import shutil
import subprocess

import pytest

from conftest import ROOT, o

CLI = pathlib.Path(os.environ.get("ORIENTATION_CLI", ROOT / "target" / "debug" / "orientation"))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(base URL, fixture dir): tests/updates/prepare run here unless scripts/test already did it."""
    url = os.environ.get("ORIENTATION_TEST_UPDATES_URL")
    where = os.environ.get("ORIENTATION_TEST_UPDATES_DIR")
    if url and where:
        yield url, pathlib.Path(where)
        return
    where = ROOT / ".dev" / "ffi-updates-py"
    out = subprocess.run([ROOT / "tests" / "updates" / "prepare", where], check=True,
                         capture_output=True, text=True)
    yield out.stdout.strip().splitlines()[-1], where
    subprocess.run([ROOT / "scripts" / "dev-catalogue-server", "stop"], check=False,
                   env={**os.environ, "ORIENTATION_CATALOGUE_SERVER_DIR": str(where / "server")})


@pytest.fixture
def published(served, request):
    """A published directory of this test's own (a copy of version 1), and its URL."""
    url, where = served
    name = "py-" + request.node.name
    mine = where / name
    shutil.rmtree(mine, ignore_errors=True)
    shutil.copytree(where / "pub", mine)
    return mine, f"{url}{name}/", (where / "key.pub").read_text().strip(), where


def publish_again(mine, where):
    subprocess.run([CLI, "--source", where / "src", "catalogue", "publish", "--out", mine,
                    "--key", where / "key", "--level", "3"], check=True, capture_output=True)


def app_for(tmp_path, url, key, where):
    return o.Orientation(o.OrientationConfig(
        data_dir=str(tmp_path), catalogue_source=o.CatalogueSource.OPEN_DATA(dir=str(where / "src")),
        catalogue_update_url=url, catalogue_public_key=key))


class Progress(o.UpdateProgressListener):
    def __init__(self, on_download=None):
        self.seen = []
        self.on_download = on_download

    def on_progress(self, progress):
        self.seen.append(progress)
        if self.on_download and progress.phase == o.UpdatePhase.DOWNLOAD and progress.done > 0:
            self.on_download()


def test_first_install_then_a_new_version_while_a_catalogue_is_open(tmp_path, published):
    mine, url, key, where = published
    app = app_for(tmp_path, url, key, where)
    updates = app.updates()
    check = asyncio.run(updates.check())
    assert check.is_AVAILABLE()
    assert check.version == 1 and check.download_size > 0 and not check.delta
    assert check.message.startswith("Mise à jour disponible : version 1 (")

    progress = Progress()
    result = asyncio.run(updates.update(progress))
    assert result.updated and result.version == 1 and not result.delta
    assert result.downloaded == check.download_size
    phases = [p.phase for p in progress.seen]
    for phase in (o.UpdatePhase.MANIFEST, o.UpdatePhase.DOWNLOAD, o.UpdatePhase.VERIFY, o.UpdatePhase.APPLY):
        assert phase in phases
    assert phases.index(o.UpdatePhase.DOWNLOAD) < phases.index(o.UpdatePhase.APPLY)
    last = [p for p in progress.seen if p.phase == o.UpdatePhase.DOWNLOAD][-1]
    assert last.done == last.total == check.download_size
    assert app.catalogue_state().is_READY()

    before = app.catalogue()
    hits = before.search(o.SearchQuery(text="agence")).items
    assert hits

    publish_again(mine, where)
    check = asyncio.run(updates.check())
    assert check.is_AVAILABLE() and check.version == 2 and check.delta
    result = asyncio.run(updates.update(None))
    assert result.updated and result.version == 2 and result.delta
    # The catalogue opened before the swap still answers; a new one comes from the new file.
    assert [h.id for h in before.search(o.SearchQuery(text="agence")).items] == [h.id for h in hits]
    assert app.catalogue().search(o.SearchQuery(text="agence")).items
    again = asyncio.run(updates.check())
    assert again.is_UP_TO_DATE() and again.version == 2
    assert not asyncio.run(updates.update(None)).updated


def test_cancel_stops_the_download_and_the_next_update_resumes(tmp_path, published):
    mine, url, key, where = published
    slow = url.replace("/py-", "/slow/py-")
    app = app_for(tmp_path, slow, key, where)
    updates = app.updates()
    progress = Progress(on_download=updates.cancel)
    with pytest.raises(o.OrientationError.Cancelled):
        asyncio.run(updates.update(progress))
    with pytest.raises(o.OrientationError.CatalogueMissing):
        app.catalogue()
    result = asyncio.run(app_for(tmp_path, url, key, where).updates().update(None))
    assert result.updated and result.resumed_from > 0
    assert result.resumed_from + result.downloaded == asyncio.run(
        app_for(tmp_path / "other", url, key, where).updates().check()).download_size


def test_refusals_are_typed_errors(tmp_path, published):
    mine, url, key, where = published
    with pytest.raises(o.OrientationError.InsecureUrl) as insecure:
        app_for(tmp_path, "http://catalogue.invalid/", key, where).updates()
    assert "HTTPS obligatoire" in str(insecure.value)
    with pytest.raises(o.OrientationError.InvalidConfig):
        app_for(tmp_path, url, "pas une clé", where).updates()
    broken = url.replace("/py-", "/error500/py-")
    with pytest.raises(o.OrientationError.UpdateServerUnavailable):
        asyncio.run(app_for(tmp_path, broken, key, where).updates().check())
    (mine / "manifest.json.sig").write_bytes(b"\0" * 64)
    with pytest.raises(o.OrientationError.UpdateRefused):
        asyncio.run(app_for(tmp_path, url, key, where).updates().update(None))
    assert not (tmp_path / "catalogue.db").exists()
