"""The key of the personal data through the FFI (docs/privacy.md): the shell's secure store carries it,
user.db holds the note sealed, the same key reads it back, a lost key starts the personal data afresh and
says so once, and the catalogue stays."""

import pathlib

import pytest

from conftest import SAMPLES_DAY, o


class MemoryKeyStore(o.SecureTokenStore):
    """What the Keystore / Keychain does on a phone, in memory."""

    def __init__(self, secret=None, fails=False):
        self.secret = secret
        self.fails = fails

    def load(self):
        if self.fails:
            raise RuntimeError("Keystore indisponible")
        return self.secret

    def save(self, secret):
        self.secret = secret

    def clear(self):
        self.secret = None


NOTE = "mon éducatrice dit que le foyer ferme en juin"


def file_bytes(db):
    data = db.read_bytes()
    wal = pathlib.Path(str(db) + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def open_app(built, data_dir, keys):
    shipped = pathlib.Path(built.config().data_dir) / "catalogue.db"
    config = o.OrientationConfig(
        data_dir=str(data_dir), catalogue_source=o.CatalogueSource.FILE(path=str(shipped)), today=SAMPLES_DAY
    )
    return o.Orientation.with_key_store(config, keys)


def test_the_shells_key_store_carries_the_key_and_a_lost_key_starts_afresh(built, tmp_path):
    data = tmp_path / "donnees"
    keys = MemoryKeyStore()
    app = open_app(built, data, keys)
    job = app.catalogue().search(o.SearchQuery(text="boulanger", kind=o.ItemKind.JOB)).items[0]
    favs = app.favourites()
    favs.add(job.id, o.FavouriteKind.JOB, None)
    favs.set_note(o.FavouriteKind.JOB, job.id, NOTE)
    assert keys.secret and keys.secret.startswith("orientation-user-key-v1:")
    assert not (data / "user.key").exists(), "the key is the shell's, not a file beside user.db"
    assert NOTE.encode() not in file_bytes(data / "user.db")
    del favs, app

    # The same key (next start): the note reads back.
    again = open_app(built, data, MemoryKeyStore(keys.secret))
    assert [f.note for f in again.favourites().list(o.FavouriteFilter())] == [NOTE]
    del again

    # The key lost (a new phone, a reset lock screen): said once, then an empty list; the catalogue stays.
    for lost in (MemoryKeyStore(), MemoryKeyStore(fails=True)):
        app = open_app(built, data, lost)
        # The catalogue's stars open the user database first: the notice still reaches favourites().
        assert app.catalogue().search(o.SearchQuery(text="boulanger")).items
        with pytest.raises(o.OrientationError.PersonalDataReset) as said:
            app.favourites()
        assert "repartent de zéro" in str(said.value)
        assert app.favourites().list(o.FavouriteFilter()) == []
        assert app.catalogue().search(o.SearchQuery(text="boulanger")).items
        favs = app.favourites()
        favs.add(job.id, o.FavouriteKind.JOB, None)
        del favs, app


def test_the_export_notice_says_notes_are_in_clear_and_chat_is_never_in_it():
    text = o.export_notice_label()
    assert "en clair" in text and "discussion" in text
