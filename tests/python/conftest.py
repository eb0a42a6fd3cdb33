"""Fixtures for the tests of the generated Python bindings.

The bindings and the library come from `scripts/gen-bindings --test-hooks python` (scripts/test runs it),
in target/bindings/python/ (or $ORIENTATION_PY_BINDINGS). The catalogue is built once per session from the
repository's data/.
"""

import asyncio
import os
import pathlib
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
def built(tmp_path_factory):
    """An app whose catalogue is built, shared by the tests that only read it."""
    app = new_app(tmp_path_factory.mktemp("built"))
    asyncio.run(app.build_catalogue(None))
    return app


@pytest.fixture(scope="session")
def catalogue(built):
    return built.catalogue()
