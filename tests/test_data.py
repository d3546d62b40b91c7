"""Tests of the data package: the IDX and .npz readers, load_mnist and Dataset."""

import gzip
import os
import random
import zipfile

import pytest

from data import DataError, Dataset, load_mnist
from data.catalog import FASHION, MNIST
from data.idx import IMAGES_MAGIC, LABELS_MAGIC, IdxArray, idx_header, read_idx
from data.search import package_folder
from data_helpers import images, labels, npy_bytes, tiny_arrays, write_file, write_npz, write_set
from missing import NO_FASHION

IMAGE_SIZE = 28 * 28


@pytest.fixture(scope="module")
def mnist():
    return load_mnist(package_folder(MNIST))  # the shipped copy, whatever $MNIST_DIR says


@pytest.fixture
def tiny(tmp_path):
    """A folder holding a tiny valid data set: 7 training images, 3 test images."""
    return write_set(tmp_path / "tiny", tiny_arrays())


def one_line_error(call, *args, **kwargs):
    """Call, expecting a DataError; return its message after checking it is one line."""
    with pytest.raises(DataError) as caught:
        call(*args, **kwargs)
    message = str(caught.value)
    assert "\n" not in message
    return message


# ---------------------------------------------------------------- reading IDX files

def test_reads_gzip_and_plain_files_by_their_content_not_their_name(tmp_path):
    content = idx_header((2, 28, 28)) + bytes(range(256)) * 6 + bytes(32)
    gzipped_without_gz = write_file(tmp_path / "images.idx", content, compress=True)
    plain_named_gz = write_file(tmp_path / "images.gz", content)
    for path in (gzipped_without_gz, plain_named_gz):
        array = read_idx(str(path), IMAGES_MAGIC)
        assert array.dims == (2, 28, 28)
        assert array.data == content[16:]
        assert type(array.data) is bytes


def bad_files():
    """(name, file content, words the error must contain): one of each way an IDX file can be bad."""
    good = idx_header((2,)) + bytes([3, 4])
    gz = gzip.compress(good)
    return [
        ("empty", b"", "empty file"),
        ("short", b"\x00\x00\x08", "too short"),
        ("images-as-labels", idx_header((1, 28, 28)) + bytes(IMAGE_SIZE), "magic number 2051, expected 2049"),
        ("wrong-type", b"\x00\x00\x0b\x01" + bytes(4), "magic number 2817, expected 2049"),
        ("header-cut", good[:6], "truncated in its header"),
        ("values-cut", good[:-1], "truncated: 1 of the 2 values"),
        ("too-long", good + b"\x00", "more values than the 2"),
        ("huge-plain", idx_header((4_000_000_000,)), "more than the file can hold"),
        ("huge-gzip", gzip.compress(idx_header((4_000_000_000,))), "more than the file can hold"),
        ("gzip-cut", gz[:-12], "compressed data ends early"),
        ("gzip-bad-crc", gz[:-8] + bytes(4) + gz[-4:], "damaged gzip data"),
        ("gzip-bad-stream", gz[:10] + b"\xff" * (len(gz) - 18) + gz[-8:], "damaged gzip data"),
    ]


@pytest.mark.parametrize("name, content, words", bad_files(), ids=[case[0] for case in bad_files()])
def test_a_bad_file_gives_a_one_line_error_naming_it_and_stays_as_it_was(tmp_path, name, content, words):
    path = write_file(tmp_path / name, content)
    message = one_line_error(read_idx, str(path), LABELS_MAGIC)
    assert message.startswith(f"{path}: ")
    assert words in message
    assert path.read_bytes() == content


def test_a_missing_file_or_a_folder_in_its_place_is_named(tmp_path):
    assert "file not found" in one_line_error(read_idx, str(tmp_path / "nothing"), LABELS_MAGIC)
    (tmp_path / "folder").mkdir()
    assert "is a folder" in one_line_error(read_idx, str(tmp_path / "folder"), LABELS_MAGIC)


# ---------------------------------------------------------------- load_mnist on small files

def test_loads_a_folder_of_files(tiny):
    train, test = load_mnist(tiny, verify=False)
    assert (len(train), len(test)) == (7, 3)
    assert (train.name, test.name) == ("train", "test")
    assert train.dataset == "mnist"
    assert train.image(6) == bytes([6]) * IMAGE_SIZE
    assert test.image(0) == bytes([100]) * IMAGE_SIZE
    assert list(test.labels) == [0, 1, 2]


def test_verifying_names_the_file_whose_checksum_differs_and_the_fix(tiny):
    message = one_line_error(load_mnist, tiny)  # tiny is not the published MNIST
    assert message.startswith(f"{tiny / 'train-images-idx3-ubyte.gz'}: checksum mismatch")
    assert message.endswith(f"to fix, run `python find_data.py --download --data-dir {tiny}`")


def test_loads_a_keras_npz_the_same_as_idx_files(tmp_path, tiny):
    npz = write_npz(tmp_path / "mnist.npz", tiny_arrays())
    from_idx, from_npz = load_mnist(tiny, verify=False), load_mnist(npz, verify=False)
    for idx_part, npz_part in zip(from_idx, from_npz):
        assert npz_part.pixels == idx_part.pixels
        assert npz_part.labels == idx_part.labels


def test_loads_a_torchvision_root_with_plain_files(tmp_path):
    write_set(tmp_path / "MNIST" / "raw", tiny_arrays(), compress=False)
    train, _ = load_mnist(tmp_path, verify=False)
    assert len(train) == 7


@pytest.mark.parametrize("change, words", [
    ({"t10k-labels-idx1-ubyte": labels(4)}, "4 labels for the 3 images"),
    ({"train-labels-idx1-ubyte": IdxArray((7,), bytes([1, 2, 3, 10, 4, 5, 6]))},
     "label 10 at index 3 is not below the 10 classes"),
    ({"train-images-idx3-ubyte": images(7)._replace(dims=(7, 27, 28), data=bytes(7 * 27 * 28))},
     "images are 27 × 28 pixels; the network expects 28 × 28"),
])
def test_parts_that_do_not_fit_together_are_refused(tmp_path, change, words):
    arrays = tiny_arrays()
    arrays.update(change)
    folder = write_set(tmp_path / "bad", arrays)
    assert words in one_line_error(load_mnist, folder, verify=False)


def test_swapped_files_are_refused(tmp_path, tiny):
    os.replace(tiny / "t10k-labels-idx1-ubyte.gz", tmp_path / "labels")
    os.replace(tiny / "t10k-images-idx3-ubyte.gz", tiny / "t10k-labels-idx1-ubyte.gz")
    os.replace(tmp_path / "labels", tiny / "t10k-images-idx3-ubyte.gz")
    assert "magic number 2049, expected 2051" in one_line_error(load_mnist, tiny, verify=False)


@pytest.mark.parametrize("npy, words", [
    (npy_bytes((3,), bytes(3), "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }"), "'<i4' values"),
    (npy_bytes((3,), bytes(3), "{'descr': '|u1', 'fortran_order': True, 'shape': (3,), }"), "fortran_order=True"),
    (npy_bytes((3,), bytes(3), "{'descr': '|u1', 'fortran_order': False, 'shape': (3, "), "unreadable .npy header"),
    (npy_bytes((3, 1), bytes(3)), "has 2 dimensions, expected 1"),
    (npy_bytes((3,), bytes(2)), "holds 2 values, its header declares 3"),
    (b"PK not numpy", "not a .npy array"),
    (b"\x93NUMPY\x02\x00\x01\x00", "its header is cut short"),  # version 2 needs 12 bytes before the header
    (b"\x93NUMPY\x01\x00\x01", "its header is cut short"),
], ids=["int32", "fortran-order", "header-cut", "2-d-labels", "values-cut", "not-npy", "v2-cut", "v1-cut"])
def test_a_bad_array_in_an_npz_is_named(tmp_path, npy, words):
    npz = write_npz(tmp_path / "mnist.npz", tiny_arrays(), y_test=npy)
    message = one_line_error(load_mnist, npz, verify=False)
    assert message.startswith(f"{npz}:y_test.npy: ")
    assert words in message


def test_an_npz_without_an_array_is_named(tmp_path):
    npz = tmp_path / "mnist.npz"
    with zipfile.ZipFile(npz, "w") as archive:
        archive.writestr("x_train.npy", npy_bytes(*images(1)))
    assert one_line_error(load_mnist, npz, verify=False).startswith(f"{npz}:y_train.npy: not in the archive")


def test_a_damaged_or_incomplete_npz_is_named(tmp_path):
    npz = write_npz(tmp_path / "mnist.npz", tiny_arrays())
    content = npz.read_bytes()
    npz.write_bytes(content[: len(content) // 2])
    assert "not a readable .npz" in one_line_error(load_mnist, npz, verify=False)


def test_a_named_folder_is_used_or_refused_never_replaced(clean_home, monkeypatch, tmp_path, tiny):
    assert "does not exist" in one_line_error(load_mnist, tmp_path / "nowhere")
    assert "is a file" in one_line_error(load_mnist, write_file(tmp_path / "notes.txt", b"hi"))
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("MNIST_DIR", str(tmp_path / "empty"))
    message = one_line_error(load_mnist)  # not the shipped copy instead
    assert message.startswith(f"{tmp_path / 'empty' / 'train-images-idx3-ubyte.gz'}: file not found")
    monkeypatch.setenv("MNIST_DIR", str(tiny))
    assert len(load_mnist(verify=False)[0]) == 7


def test_an_unknown_data_set_is_refused():
    assert "choose one of mnist, fashion" in one_line_error(load_mnist, dataset="digits")


# ---------------------------------------------------------------- Dataset

@pytest.fixture
def seven():
    """7 images, image i with every pixel i, labels 0..6."""
    return Dataset(images(7).data, labels(7).data, "mnist", "train", MNIST.class_names)


def test_a_dataset_describes_itself(seven):
    assert len(seven) == 7
    assert seven.image_shape == (28, 28) and seven.image_size == 784
    assert seven.num_classes == 10 and seven.class_names == tuple("0123456789")
    assert isinstance(seven.labels[3], int) and seven.labels[3] == 3
    assert "mnist train: 7 images" in repr(seven)


@pytest.mark.parametrize("index", [-1, 7, 100])
def test_image_refuses_an_index_out_of_range(seven, index):
    with pytest.raises(IndexError, match=f"image index {index} is out of range: .* has images 0 to 6"):
        seven.image(index)


def test_matrix_holds_the_chosen_images_scaled_to_0_1(seven):
    X = seven.matrix([5, 0])
    assert X.shape == (2, 784)
    assert X.rows[0] == [5 / 255] * 784 and X.rows[1] == [0.0] * 784
    assert all(type(x) is float for x in X.rows[0])


def first_pixels(batches):
    """The image numbers in a run of batches, read back from their first pixel."""
    return [[round(row[0] * 255) for row in X.rows] for X, _ in batches]


def test_batches_in_order_cover_the_set_with_a_smaller_last_batch(seven):
    batches = list(seven.batches(3))
    assert first_pixels(batches) == [[0, 1, 2], [3, 4, 5], [6]]
    assert [labels for _, labels in batches] == [[0, 1, 2], [3, 4, 5], [6]]


def test_batches_follow_one_shuffle_of_the_given_rng(seven):
    order = list(range(7))
    random.Random(42).shuffle(order)
    batches = list(seven.batches(4, random.Random(42)))
    assert sum(first_pixels(batches), []) == order
    assert sum((labels for _, labels in batches), []) == order


def test_batches_shuffles_exactly_once_when_called(seven):
    class CountingRandom(random.Random):
        shuffles = 0

        def shuffle(self, x):
            self.shuffles += 1
            super().shuffle(x)

    rng = CountingRandom(0)
    batches = seven.batches(2, rng)
    assert rng.shuffles == 1  # before the first batch is asked for
    list(batches)
    assert rng.shuffles == 1


def test_batches_refuses_a_batch_size_below_1(seven):
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        seven.batches(0)


def test_take_keeps_the_first_images(seven):
    three = seven.take(3)
    assert len(three) == 3 and three.image(2) == seven.image(2)
    assert (three.dataset, three.name, three.class_names) == (seven.dataset, seven.name, seven.class_names)
    assert len(seven.take(100)) == 7
    with pytest.raises(ValueError):
        seven.take(-1)


# ---------------------------------------------------------------- the real data

def test_the_shipped_mnist_loads_compactly(mnist):
    train, test = mnist
    assert (len(train), len(test)) == (60000, 10000)
    assert type(train.pixels) is bytes and len(train.pixels) == 60000 * 784
    assert bytes(train.labels[:10]) == bytes([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]) and test.labels[0] == 7
    assert train.class_names == tuple("0123456789") and train.dataset == "mnist"
    X, y = next(test.batches(128))
    assert X.shape == (128, 784) and len(y) == 128
    assert max(X.rows[0]) == 1.0 and min(X.rows[0]) == 0.0


@pytest.mark.skipif(not os.path.isdir(FASHION.system_dir), reason=NO_FASHION)
def test_fashion_mnist_from_the_debian_package(clean_home):
    train, test = load_mnist(dataset="fashion")
    assert (len(train), len(test)) == (60000, 10000)
    assert train.class_names[9] == "Ankle boot" and test.dataset == "fashion"


def test_load_only_the_test_part():
    (test,) = load_mnist(parts=("test",))
    assert test.name == "test" and len(test) == 10000
    with pytest.raises(ValueError, match="parts must be among"):
        load_mnist(parts=("validation",))
