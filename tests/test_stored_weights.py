"""The same settings give the same weights on CPython 3.9, 3.10 and 3.11, as the README says:
a short run's weights, as its model file writes them, against a hash stored here.

.ci/run runs this file on every Python the machine has (the core tests), so the promise is
checked on each, not only said. CPython 3.12 and later sum floats with compensation (a
fast form's sum() may differ from the plain loop in the last digit), and PyPy multiplies
the images as floats rather than packed: their weights differ in the last digits, so there
the test checks what stays the same, each layer's sums to 12 digits.
"""

import hashlib
import json
import math
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Two mini-batches of 128 with the default settings (sgd, momentum 0.9, lr 0.1, seed 0): a few seconds.
RUN = ["--limit", "256", "--epochs", "1", "--test-limit", "100", "--no-plots", "--quiet", "--out", "m.json"]
# sha256 of the model file's "layers", written as the file writes them (compact JSON): the same on
# CPython 3.9.18, 3.10.13 and 3.11.7.
LAYERS_SHA256 = "b4efc28127b6bfea1934a9daf71ba730587fcf7fba1d780c8d721182d3cfadc4"
# Each layer's Σ w, Σ w² and Σ b (math.fsum), from the same run on CPython 3.11.7.
LAYER_SUMS = [(24.42625383880607, 255.3319030878346, -0.04490343581712547),
              (-3.9107687866252627, 19.553151122446366, 9.540979117872439e-18)]
SAME_ADDITIONS = sys.implementation.name == "cpython" and sys.version_info < (3, 12)


def layers_sha256(layers):
    return hashlib.sha256(json.dumps(layers, separators=(",", ":")).encode("ascii")).hexdigest()


def layer_sums(layer):
    weights = [w for row in layer["weights"] for w in row]
    return math.fsum(weights), math.fsum(w * w for w in weights), math.fsum(layer["bias"])


def test_a_short_run_gives_the_stored_weights(tmp_path):
    result = subprocess.run([sys.executable, os.path.join(ROOT, "train.py"), *RUN], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    layers = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))["layers"]
    assert len(layers) == len(LAYER_SUMS)  # 784 → 128 → 10
    if SAME_ADDITIONS:
        assert layers_sha256(layers) == LAYERS_SHA256  # bit for bit
    for layer, stored in zip(layers, LAYER_SUMS):
        for got, expected in zip(layer_sums(layer), stored):
            assert math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-15)
