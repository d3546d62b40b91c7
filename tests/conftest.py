"""Fixtures shared by the test modules.

The PyPy run of .ci/run (the core tests only) imports this file too, so the project's
modules are imported inside the fixtures that need them, not here.
"""

import pytest


# ---------------------------------------------------------------------- outputs stay out of the repository

@pytest.fixture(autouse=True)
def in_a_fresh_folder(monkeypatch, tmp_path_factory):
    """Every test runs in a folder of its own: what train.py writes by default (runs/, models/,
    plots/) lands there, never in the clone the tests run from."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


# ---------------------------------------------------------------------- the fast forms, as the scripts have them

@pytest.fixture(autouse=True, scope="session")
def fast_forms_on():
    """The fast forms on, as train.py and the other scripts switch them on: a test of the plain
    definitions says so (with textbook()), and one of a fresh interpreter runs one."""
    from my_math.fast import use_fast_forms
    use_fast_forms()


# ---------------------------------------------------------------------- MNIST, loaded once

@pytest.fixture(scope="session")
def mnist_sets():
    """(train, test): the default MNIST, as load_mnist() finds it, loaded once for the whole run.

    Shared by every test that asks for it: a test reads these Datasets and never changes them.
    """
    from data import load_mnist
    return load_mnist()


@pytest.fixture(scope="session")
def test_set(mnist_sets):
    """The MNIST test set (10 000 images) of mnist_sets."""
    return mnist_sets[1]


# ---------------------------------------------------------------------- the data tests

@pytest.fixture
def clean_home(monkeypatch, tmp_path):
    """No $MNIST_DIR and the like, and a fresh home and current folder: only what a test makes is found.

    Returns the home folder (tmp_path / "home"); the current folder is tmp_path.
    """
    from data.catalog import DATASETS
    for info in DATASETS.values():
        monkeypatch.delenv(info.env_var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "home"


@pytest.fixture
def mirrors():
    """A local HTTP server to download from (data_helpers.Mirrors), stopped after the test."""
    from data_helpers import Mirrors
    server = Mirrors()
    yield server
    server.close()
