"""Fixtures for the tests of the generated Python bindings.

The bindings and the library come from `scripts/gen-bindings --test-hooks python` (scripts/test runs it),
in target/bindings/python/ (or $ORIENTATION_PY_BINDINGS). The catalogue is built once per session from the
repository's data/; the tests of the build itself build a reduced copy of it (`small_data`).
"""

import asyncio
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

# A day when sessions of the LHEO samples took registrations.
SAMPLES_DAY = "2017-10-15"

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
BINDINGS = pathlib.Path(
    os.environ.get(
        "ORIENTATION_PY_BINDINGS",
        pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "bindings" / "python",
    )
)

if not (BINDINGS / "orientation_ffi.py").exists():
    raise pytest.UsageError(
        f"bindings Python absentes de {BINDINGS} : lancez d'abord scripts/gen-bindings --test-hooks python"
    )
sys.path.insert(0, str(BINDINGS))

import orientation_ffi as o  # noqa: E402


def new_app(data_dir, source=None):
    source = source or o.CatalogueSource.OPEN_DATA(dir=str(DATA))
    # The LHEO samples are offers of 2017–2018: registration is judged on a day when some were open.
    return o.Orientation(
        o.OrientationConfig(data_dir=str(data_dir), catalogue_source=source, today=SAMPLES_DAY)
    )


@pytest.fixture(scope="session")
def small_data(tmp_path_factory):
    """data/ cut to its first 400 rows per CSV (scripts/reduce-data.py): real rows, a catalogue built in
    about a second instead of forty in a test build, for the tests of the build itself (progress, cancel,
    one build at a time, state changes) that build several."""
    dest = tmp_path_factory.mktemp("donnees-reduites")
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "reduce-data.py"), str(DATA), str(dest), "400"], check=True
    )
    return dest


def small_app(data_dir, small_data):
    return new_app(data_dir, o.CatalogueSource.OPEN_DATA(dir=str(small_data)))


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """An app whose catalogue is built, shared by the tests that only read it: a copy of the one
    scripts/test built once for the whole run (ORIENTATION_TEST_CATALOGUE, same data/ and same code), else
    built here."""
    data_dir = tmp_path_factory.mktemp("built")
    shared = os.environ.get("ORIENTATION_TEST_CATALOGUE")
    if shared:
        shutil.copyfile(shared, data_dir / "catalogue.db")
    app = new_app(data_dir)
    if not shared:
        asyncio.run(app.build_catalogue(None))
    return app


@pytest.fixture(scope="session")
def catalogue(built):
    return built.catalogue()
