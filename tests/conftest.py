"""Fixtures shared by the test modules.

The PyPy run of .ci/run (the core tests only) imports this file too, so the project's
modules are imported inside the fixtures that need them, not here.
"""

import errno
import ipaddress
import socket

import pytest


# ---------------------------------------------------------------------- nothing leaves the machine

def outside_this_machine(address):
    """The host a socket address names, when it may be another machine: anything but a loopback
    address (127.x.x.x, ::1) and localhost; else None. A host name is outside: it could resolve anywhere."""
    if not isinstance(address, tuple):  # a Unix socket's path
        return None
    host = address[0]
    if host == "localhost":
        return None
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    ip = getattr(ip, "ipv4_mapped", None) or ip  # ::ffff:127.0.0.1 is 127.0.0.1
    return None if ip.is_loopback else host


@pytest.fixture(scope="session", autouse=True)
def connections_refused():
    """Every socket of the test run connects only within this machine; a connection to any other
    address is refused, before a packet leaves, and listed here (host, port) for the test to fail.

    The tests work offline, as the README promises its commands do: downloads come from a local
    server (data_helpers.Mirrors). This guards the tests' own process; the programs they start
    are told where to connect (--mirror), and none of them is given an address elsewhere.
    """
    refused = []

    def guarded(connect):
        def connect_within_this_machine(sock, address):
            host = outside_this_machine(address)
            if host is not None:
                refused.append(address[:2])
                raise OSError(errno.ENETUNREACH, f"tests/conftest.py refused a connection to {host}: "
                                                 "the tests must not leave this machine")
            return connect(sock, address)
        return connect_within_this_machine

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", guarded(socket.socket.connect))
        patch.setattr(socket.socket, "connect_ex", guarded(socket.socket.connect_ex))
        yield refused


@pytest.fixture(autouse=True)
def no_connection_leaves_the_machine(connections_refused):
    """Fail a test that tried to connect outside this machine, even if its code took the refusal in its stride."""
    yield
    tried, connections_refused[:] = list(connections_refused), []
    if tried:
        pytest.fail(f"connections to other machines were tried and refused: {tried}")


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


# ---------------------------------------------------------------------- ByteMatrix's packed product

@pytest.fixture
def packing(monkeypatch):
    """ByteMatrix packs its bytes on every Python. PyPy does not by default (its JIT runs the plain
    loop faster: byte_matrix.PACKING), but the packed product is the same code there: the tests
    of packing prove it on PyPy too, rather than being skipped there."""
    from my_math.fast import byte_matrix
    monkeypatch.setattr(byte_matrix, "PACKING", True)


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
