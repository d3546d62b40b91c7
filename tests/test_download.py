"""Tests of data.download against a local HTTP server: never the internet."""

import io
import socket

import pytest

from data import DataError, load_mnist
from data.download import download
from data.catalog import DATASETS
from data_helpers import gz_files, images, labels, tiny_arrays, tiny_info

ARRAYS = tiny_arrays()
GOOD = gz_files(ARRAYS)
IMAGES = "train-images-idx3-ubyte.gz"


@pytest.fixture(autouse=True)
def tiny(monkeypatch):
    """Register a tiny data set "tiny" whose checksums are those of ARRAYS."""
    monkeypatch.setitem(DATASETS, "tiny", tiny_info(ARRAYS))


def fetch(folder, mirrors, *names, timeout=30):
    """Download "tiny" into folder from the given mirrors; return (names fetched, progress text).

    timeout (seconds a mirror may keep silent) only guards against a test that would wait
    for ever: the local server answers long before it."""
    out = io.StringIO()
    fetched = download(folder, "tiny", mirrors=[mirrors.url(name) for name in names], timeout=timeout, out=out)
    return fetched, out.getvalue()


def leftovers(folder):
    return sorted(path.name for path in folder.iterdir() if not path.name.endswith(".gz"))


def test_downloads_every_file_with_progress_and_checks_it(tmp_path, mirrors):
    mirrors.serve("good", GOOD)
    fetched, progress = fetch(tmp_path / "new", mirrors, "good")
    assert sorted(fetched) == sorted(GOOD)
    assert "(100%)" in progress
    assert sorted(path.name for path in (tmp_path / "new").iterdir()) == sorted(GOOD)
    train, test = load_mnist(tmp_path / "new", "tiny")  # checksums verified
    assert len(train) == 7


def test_files_already_there_and_intact_are_not_downloaded_again(tmp_path, mirrors):
    mirrors.serve("good", GOOD)
    fetch(tmp_path, mirrors, "good")
    asked = len(mirrors.requests)
    assert fetch(tmp_path, mirrors, "good")[0] == []
    assert len(mirrors.requests) == asked


def test_a_404_moves_on_to_the_next_mirror(tmp_path, mirrors):
    mirrors.serve("good", GOOD)
    fetched, progress = fetch(tmp_path, mirrors, "empty", "good")
    assert len(fetched) == 4
    assert "HTTP Error 404" in progress


def test_a_mirror_that_does_not_answer_times_out(tmp_path, mirrors):
    mirrors.serve("slow", dict(GOOD, **{IMAGES: "hang"}))
    mirrors.serve("good", GOOD)
    # The silent mirror ends in "timed out", not in a closed connection when the server stops:
    # the timeout is what moved the download on. 2 s: the good mirror's answers come well within it.
    fetched, progress = fetch(tmp_path, mirrors, "slow", "good", timeout=2)
    assert len(fetched) == 4
    assert "timed out" in progress
    assert mirrors.requests.count(f"/good/{IMAGES}") == 1


@pytest.mark.parametrize("bad, words", [
    (GOOD[IMAGES][:-20], "compressed data ends early"),
    (GOOD[IMAGES][:-8] + bytes(4) + GOOD[IMAGES][-4:], "damaged gzip data"),
    (gz_files({"train-images-idx3-ubyte": images(7, first=1)})[IMAGES], "checksum mismatch"),
    (gz_files({"train-images-idx3-ubyte": labels(7)})[IMAGES], "magic number 2049, expected 2051"),
    (("cut", GOOD[IMAGES][:30]), "the server sent 30 of 1030 bytes"),
], ids=["truncated", "corrupted", "other-data", "wrong-file", "interrupted"])
def test_a_bad_download_is_never_kept_and_the_next_mirror_is_tried(tmp_path, mirrors, bad, words):
    mirrors.serve("bad", dict(GOOD, **{IMAGES: bad}))
    with pytest.raises(DataError) as caught:
        fetch(tmp_path, mirrors, "bad")
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / IMAGES}: no mirror gave a good copy")
    assert words in message and "\n" not in message
    assert not (tmp_path / IMAGES).exists() and leftovers(tmp_path) == []

    mirrors.serve("good", GOOD)
    fetched, progress = fetch(tmp_path, mirrors, "bad", "good")
    assert sorted(fetched) == sorted(GOOD) and words in progress


def test_a_failed_download_leaves_the_file_it_would_replace_as_it_was(tmp_path, mirrors):
    damaged = GOOD[IMAGES][:-1]
    (tmp_path / IMAGES).write_bytes(damaged)
    mirrors.serve("cut", {IMAGES: ("cut", GOOD[IMAGES][:100])})
    with pytest.raises(DataError):
        fetch(tmp_path, mirrors, "cut")
    assert (tmp_path / IMAGES).read_bytes() == damaged
    assert leftovers(tmp_path) == []

    mirrors.serve("good", GOOD)
    assert IMAGES in fetch(tmp_path, mirrors, "good")[0]
    assert (tmp_path / IMAGES).read_bytes() == GOOD[IMAGES]


def test_no_mirror_at_all_is_an_error(tmp_path):
    with pytest.raises(DataError, match="no mirror gave a good copy"):
        download(tmp_path, "tiny", mirrors=[], out=io.StringIO())


def test_a_file_where_the_folder_should_be_is_refused(tmp_path):
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(DataError, match="cannot download into it"):
        download(tmp_path / "file", "tiny", mirrors=[], out=io.StringIO())


def test_a_connection_to_another_machine_fails_the_test(connections_refused):
    """tests/conftest.py: no test can reach the internet, even by accident; 192.0.2.1 is an address for
    documentation, never anyone's (RFC 5737), and localhost stays allowed."""
    with pytest.raises(OSError, match="refused a connection to 192.0.2.1"):
        socket.create_connection(("192.0.2.1", 80), timeout=5)
    with socket.socket() as sock, pytest.raises(OSError, match="refused a connection to example.com"):
        sock.connect(("example.com", 80))
    assert connections_refused == [("192.0.2.1", 80), ("example.com", 80)]
    connections_refused.clear()  # refused as they should be: this test passes
    with pytest.raises(ConnectionRefusedError):  # no server on port 1 here: refused by this machine, not the guard
        socket.create_connection(("127.0.0.1", 1), timeout=5)
    assert connections_refused == []
