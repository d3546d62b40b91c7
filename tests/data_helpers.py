"""Helpers shared by the data tests: small IDX and .npz files, and a tiny data set to find, load and download.

The fixtures clean_home and mirrors (a running Mirrors) are in conftest.py.
"""

import gzip
import http.server
import io
import struct
import threading
import zipfile

from data.catalog import MNIST, PARTS
from data.checksums import content_sha256
from data.idx import IdxArray, idx_header

ROWS, COLS = MNIST.image_shape


def idx_bytes(dims, data):
    return idx_header(dims) + bytes(data)


def write_file(path, content, compress=False):
    """Write content (bytes) to path, gzip-compressed if compress; return path."""
    path.write_bytes(gzip.compress(content) if compress else content)
    return path


def images(n, first=0):
    """n 28 × 28 images; image i has every pixel equal to (first + i) % 256, so rows tell images apart."""
    return IdxArray((n, ROWS, COLS), bytes((first + i) % 256 for i in range(n) for _ in range(ROWS * COLS)))


def labels(n):
    return IdxArray((n,), bytes(i % 10 for i in range(n)))


def tiny_arrays(n_train=7, n_test=3):
    """Part.file -> IdxArray for a tiny, valid data set (its test images start at pixel value 100)."""
    return {
        "train-images-idx3-ubyte": images(n_train),
        "train-labels-idx1-ubyte": labels(n_train),
        "t10k-images-idx3-ubyte": images(n_test, first=100),
        "t10k-labels-idx1-ubyte": labels(n_test),
    }


def write_set(folder, arrays, compress=True):
    """Write arrays (Part.file -> IdxArray) as IDX files in folder, gzipped by default; return folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for file, array in arrays.items():
        write_file(folder / (file + (".gz" if compress else "")), idx_bytes(*array), compress)
    return folder


def npy_bytes(dims, data, header=None):
    """A version 1.0 .npy file of unsigned bytes (or with the given header dict text)."""
    header = header or f"{{'descr': '|u1', 'fortran_order': False, 'shape': {tuple(dims)!r}, }}"
    header = header.encode("latin-1")
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + bytes(data)


def write_npz(path, arrays, **members):
    """Write arrays (Part.file -> IdxArray) as a Keras-style .npz (x_train, y_train, ...); return path.

    members: .npy contents to store instead, by key, e.g. y_test=b"...".
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in PARTS:
            npy = members.get(part.npz_key) or npy_bytes(*arrays[part.file])
            archive.writestr(part.npz_key + ".npy", npy)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return path


def tiny_info(arrays, mirrors=(), key="tiny"):
    """A DataSetInfo for arrays, with its own names so nothing of the real MNIST gets in the way."""
    return MNIST._replace(
        key=key, title="Tiny", sha256={file: content_sha256(array) for file, array in arrays.items()},
        mirrors=tuple(mirrors), folder="Tiny", env_var="TINY_DIR", cache_dir="~/.cache/tiny",
        keras="~/.keras/datasets/tiny.npz",
    )


class Mirrors:
    """A local HTTP server for download tests; routes maps a URL path to what it serves.

    A route is bytes (served whole), an int (that HTTP error), ("cut", bytes) (sent
    with a Content-Length larger than itself, then the connection closes) or "hang"
    (never answers, until the server stops).
    """

    def __init__(self):
        self.routes = {}
        self.requests = []
        self._stop = threading.Event()
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        # A short poll lets close() stop the server at once rather than in half a second.
        threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True).start()

    def url(self, mirror):
        return f"http://127.0.0.1:{self._server.server_address[1]}/{mirror}/"

    def serve(self, mirror, files):
        """Serve files (name -> route) under the base URL url(mirror)."""
        for name, route in files.items():
            self.routes[f"/{mirror}/{name}"] = route

    def close(self):
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        mirrors = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                mirrors.requests.append(self.path)
                route = mirrors.routes.get(self.path, 404)
                if route == "hang":
                    mirrors._stop.wait(10)
                elif isinstance(route, int):
                    self.send_error(route)
                else:
                    declared = len(route[1]) + 1000 if isinstance(route, tuple) else len(route)
                    body = route[1] if isinstance(route, tuple) else route
                    self.send_response(200)
                    self.send_header("Content-Length", str(declared))
                    self.end_headers()
                    self.wfile.write(body)

            def log_message(self, *args):
                pass  # keep the test output clean

        return Handler


def gz_files(arrays):
    """File name (.gz) -> gzipped IDX bytes, for each of arrays (Part.file -> IdxArray)."""
    return {file + ".gz": gzip.compress(idx_bytes(*array)) for file, array in arrays.items()}
