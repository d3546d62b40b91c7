"""Tests of find_data.py: the search order, the table, the exit status and --download."""

import os
import subprocess
import sys

import pytest

import find_data
from data.catalog import DATASETS, FASHION
from data_helpers import gz_files, tiny_arrays, tiny_info, write_file, write_npz, write_set
from missing import NO_FASHION

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARRAYS = tiny_arrays()


@pytest.fixture(autouse=True)
def home(clean_home, monkeypatch):
    """A fresh home and current folder, and a tiny data set "tiny" to look for; returns the home."""
    monkeypatch.setitem(DATASETS, "tiny", tiny_info(ARRAYS))
    return clean_home


def run(capsys, *args):
    """Run find_data.py with args; return (exit status, what it printed)."""
    status = find_data.main(list(args))
    out, err = capsys.readouterr()
    return status, out + err


def test_the_shipped_mnist_is_found_complete_and_intact(capsys):
    status, out = run(capsys)
    assert status == 0
    assert out.count("checksum OK") == 4
    assert f"Using {os.path.join(ROOT, 'data', 'MNIST')} (shipped with the project)" in out


@pytest.mark.parametrize("where, source", [
    ("home/.cache/tiny", "cache"),
    ("data/Tiny/raw", "torchvision layout"),
])
def test_finds_a_copy_in_the_usual_places(capsys, tmp_path, where, source):
    write_set(tmp_path / where, ARRAYS)
    status, out = run(capsys, "--dataset", "tiny")
    assert status == 0
    assert f"({source}): complete, checksums OK" in out


def test_finds_and_checks_a_keras_npz(capsys, home):
    write_npz(home / ".keras" / "datasets" / "tiny.npz", ARRAYS)
    status, out = run(capsys, "--dataset", "tiny")
    assert status == 0
    assert "✓ tiny.npz:x_train.npy  7 × 28 × 28, checksum OK" in out


def test_the_first_complete_copy_wins(capsys, tmp_path, home):
    write_set(tmp_path / "data" / "Tiny", ARRAYS)
    write_set(home / ".cache" / "tiny", ARRAYS)
    status, out = run(capsys, "--dataset", "tiny")
    assert status == 0 and "(current folder): complete" in out
    assert out.index("current folder") < out.index(".cache")


def test_a_damaged_copy_is_reported_file_by_file_with_the_fix(capsys, tmp_path):
    folder = write_set(tmp_path / "mine", ARRAYS)
    write_file(folder / "t10k-labels-idx1-ubyte.gz", b"\x00\x00\x08\x01", compress=True)
    status, out = run(capsys, "--dataset", "tiny", "--data-dir", str(folder))
    assert status == 1
    assert out.count("checksum OK") == 3
    assert f"✗ {folder / 't10k-labels-idx1-ubyte.gz'}: truncated in its header" in out
    assert out.rstrip().endswith(f"python find_data.py --download --dataset tiny --data-dir {folder}")


def test_nothing_found_prints_the_command_that_fixes_it(capsys):
    status, out = run(capsys, "--dataset", "tiny")
    assert status == 1
    assert out.rstrip().endswith("python find_data.py --download --dataset tiny")


def test_an_incomplete_named_folder_is_refused_never_replaced_by_a_found_copy(capsys, monkeypatch, tmp_path):
    """An empty folder named by --data-dir or $TINY_DIR fails, though the search would find a good copy."""
    write_set(tmp_path / "data" / "Tiny", ARRAYS)  # a good copy the search would find
    (tmp_path / "empty").mkdir()
    assert run(capsys, "--dataset", "tiny", "--data-dir", str(tmp_path / "empty"))[0] == 1
    monkeypatch.setenv("TINY_DIR", str(tmp_path / "empty"))
    status, out = run(capsys, "--dataset", "tiny")
    assert status == 1 and f"{tmp_path / 'empty'} ($TINY_DIR) is not a complete" in out


def test_a_torchvision_root_given_as_data_dir_is_used(capsys, tmp_path):
    write_set(tmp_path / "root" / "Tiny" / "raw", ARRAYS)
    status, out = run(capsys, "--dataset", "tiny", "--data-dir", str(tmp_path / "root"))
    assert status == 0 and "(--data-dir, torchvision layout): complete" in out


@pytest.mark.parametrize("args, words", [
    (["--data-dir", "nowhere"], "nowhere (--data-dir): does not exist; to download"),
    (["--data-dir", "notes.txt"], "notes.txt (--data-dir): is a file"),
    (["--download", "--data-dir", "notes.txt"], "notes.txt: is not a folder, cannot download into it"),
])
def test_an_unusable_named_path_exits_2_with_one_line(capsys, tmp_path, args, words):
    write_file(tmp_path / "notes.txt", b"hello")
    status, out = run(capsys, "--dataset", "tiny", *args)
    assert status == 2
    assert out.startswith("find_data.py: ") and out.count("\n") == 1
    assert words in out


@pytest.mark.parametrize("args, words", [
    (["--dataset", "digits"], "invalid choice: 'digits'"),
    (["--timeout", "0"], "--timeout must be more than 0 seconds"),
])
def test_bad_arguments_exit_2(capsys, args, words):
    with pytest.raises(SystemExit) as caught:
        find_data.main(args)
    assert caught.value.code == 2
    assert words in capsys.readouterr().err


def test_download_fetches_into_the_named_folder_then_checks(capsys, mirrors, tmp_path):
    mirrors.serve("good", gz_files(ARRAYS))
    target = tmp_path / "new" / "tiny"
    status, out = run(capsys, "--dataset", "tiny", "--download", "--data-dir", str(target),
                      "--mirror", mirrors.url("empty"), "--mirror", mirrors.url("good"), "--timeout", "2")
    assert status == 0
    assert "(100%)" in out and "HTTP Error 404" in out
    assert f"Using {target} (--data-dir): complete, checksums OK." in out


def test_a_failed_download_exits_1(capsys, mirrors, tmp_path):
    status, out = run(capsys, "--dataset", "tiny", "--download", "--data-dir", str(tmp_path / "new"),
                      "--mirror", mirrors.url("empty"))
    assert status == 1 and "no mirror gave a good copy" in out


@pytest.mark.skipif(not os.path.isdir(FASHION.system_dir), reason=NO_FASHION)
def test_fashion_mnist_from_the_debian_package(capsys):
    status, out = run(capsys, "--dataset", "fashion")
    assert status == 0 and f"Using {FASHION.system_dir}" in out


def test_as_a_script_it_exits_2_without_a_traceback(tmp_path):
    result = subprocess.run([sys.executable, os.path.join(ROOT, "find_data.py"), "--data-dir", str(tmp_path / "no")],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "does not exist" in result.stderr
