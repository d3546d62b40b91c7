"""docs/math.md against the code: its worked example, its shapes and its schedule table.

The numbers are read out of docs/math.md itself, so the chapter cannot drift away from
the code: change a number there, or the code's arithmetic, and a test here fails.

Section 7, "A worked example", is a fenced block of lines `name = value  # comment`. The
inputs (X, labels, W1, b1, W2, b2, lr, h) build a Network; every other line must be one
of EXPECTED below and match what the real code computes, to the decimals written
(at least 4: a value written 0.5 claims 0.5000).
"""

import ast
import math
import random
import re
from pathlib import Path

import pytest

from my_math import Matrix
from network import SGD, Network
from network.activations import relu, relu_backward, softmax
from network.adam import Adam
from network.architecture import parameter_count
from network.loss import cross_entropy, one_hot
from network.schedules import SCHEDULES

DOC = Path(__file__).resolve().parent.parent / "docs" / "math.md"
INPUTS = ("X", "labels", "W1", "b1", "W2", "b2", "lr", "h")


def doc_text():
    return DOC.read_text(encoding="utf-8")


def section(text, heading):
    """The text of the section whose '## ' heading contains heading, up to the next '## '."""
    match = re.search(r"^## [^\n]*" + re.escape(heading) + r"[^\n]*\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"docs/math.md has no section '## ... {heading}'"
    return match.group(1)


def normalise(text):
    """The doc may use the typographic minus −; Python and the keys below use -."""
    return text.replace("\u2212", "-")


def key(name):
    """A line's name with spaces removed: 'Z2 − row max' → 'Z2-rowmax'."""
    return re.sub(r"\s+", "", normalise(name))


# ---------------------------------------------------------------- the worked example

def parse_worked_example(text):
    """{key: (name, value, decimals)} from the first fenced block of section 7.

    decimals is a flat list: the number of decimals written for each number of value.
    """
    block = re.search(r"```[a-z]*\n(.*?)```", section(text, "A worked example"), re.S)
    assert block, "section 7 of docs/math.md has no fenced code block"
    lines = {}
    for line in block.group(1).splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, equals, value = line.partition("=")
        assert equals and value.strip(), f"not a line 'name = value': {line!r}"
        value = normalise(value.strip())
        decimals = [len(fraction) for fraction in re.findall(r"\d+(?:\.(\d+))?", value)]
        assert key(name) not in lines, f"{name.strip()!r} appears twice"
        lines[key(name)] = (name.strip(), ast.literal_eval(value), decimals)
    return lines


def compute_worked_example(doc):
    """Every EXPECTED value, computed by the code from the inputs written in the doc."""
    given = {name: doc[name][1] for name in INPUTS}
    X, labels, lr, h = Matrix(given["X"]), given["labels"], given["lr"], given["h"]

    def network():
        net = Network([2, 2, 2])
        for layer, W, b in zip(net.layers, ("W1", "W2"), ("b1", "b2")):
            layer.W, layer.b = Matrix(given[W]), Matrix(given[b])
        return net

    net = network()
    hidden, output = net.layers
    XW1 = X @ hidden.W
    Z1 = hidden.forward(X)
    A1 = relu(Z1)
    A1W2 = A1 @ output.W
    Z2 = output.forward(A1)
    shifted = Z2 - Matrix([[max(row)] for row in Z2.rows])
    P = softmax(Z2)
    dZ2 = (P - one_hot(labels, 2)) / len(labels)
    dA1 = output.input_gradient(dZ2)
    dZ1 = relu_backward(dA1, Z1)
    dW2, db2 = output.weight_gradient(A1, dZ2), output.bias_gradient(dZ2)
    dW1, db1 = hidden.weight_gradient(X, dZ1), hidden.bias_gradient(dZ1)

    loss, _, gradients = net.loss_and_gradients(X, labels)
    # The hand-made chain above and Network.backward must agree exactly.
    assert [(g.tolist(), gb.tolist()) for g, gb in gradients] == [(dW1.tolist(), db1.tolist()),
                                                                  (dW2.tolist(), db2.tolist())]
    assert net.forward(X)[1][-1] == P

    def loss_with_w1_00(change):
        shifted_net = network()
        shifted_net.layers[0].W[0, 0] += change
        return shifted_net.loss_and_gradients(X, labels)[0]

    loss_plus, loss_minus = loss_with_w1_00(h), loss_with_w1_00(-h)
    SGD(0.0).step(net.layers, gradients, lr)  # gives the layers their new W and b
    values = {
        "X·W1": XW1,
        "Z1": Z1,
        "A1": A1,
        "A1·W2": A1W2,
        "Z2": Z2,
        "Z2-rowmax": shifted,
        "exp(Z2-rowmax)": shifted.map(math.exp),
        "rowsums": shifted.map(math.exp).sum(axis=1),
        "P": P,
        "Y": one_hot(labels, 2),
        "-lnP(trueclass)": [-math.log(P[i, y]) for i, y in enumerate(labels)],
        "loss": cross_entropy(P, labels),
        "P-Y": P - one_hot(labels, 2),
        "dZ2": dZ2,
        "dW2": dW2,
        "db2": db2,
        "dA1": dA1,
        "relu′(Z1)": relu_backward(Matrix.zeros(*Z1.shape) + 1.0, Z1),
        "dZ1": dZ1,
        "dW1": dW1,
        "db1": db1,
        "W1-lr·dW1": net.layers[0].W,
        "b1-lr·db1": net.layers[0].b,
        "W2-lr·dW2": net.layers[1].W,
        "b2-lr·db2": net.layers[1].b,
        "lossafterthestep": net.loss_and_gradients(X, labels)[0],
        "L(W1[0][0]+h)": loss_plus,
        "L(W1[0][0]-h)": loss_minus,
        "(L(+h)-L(-h))/2h": (loss_plus - loss_minus) / (2 * h),
    }
    assert loss == values["loss"]
    return {name: value.tolist() if isinstance(value, Matrix) else value for name, value in values.items()}


EXPECTED = ("X·W1", "Z1", "A1", "A1·W2", "Z2", "Z2-rowmax", "exp(Z2-rowmax)", "rowsums", "P", "Y",
            "-lnP(trueclass)", "loss", "P-Y", "dZ2", "dW2", "db2", "dA1", "relu′(Z1)", "dZ1", "dW1",
            "db1", "W1-lr·dW1", "b1-lr·db1", "W2-lr·dW2", "b2-lr·db2", "lossafterthestep",
            "L(W1[0][0]+h)", "L(W1[0][0]-h)", "(L(+h)-L(-h))/2h")


def flatten(value):
    if isinstance(value, (list, tuple)):
        return [x for item in value for x in flatten(item)]
    return [value]


def shape(value):
    if isinstance(value, list):
        return [len(value)] + (shape(value[0]) if value else [])
    return []


def rounded(value, decimals):
    if isinstance(value, list):
        return [rounded(x, decimals) for x in value]
    return round(value, decimals)


def worked_example_problems(text):
    """What is wrong with section 7 of text: a list of messages, empty when all is well."""
    doc = parse_worked_example(text)
    problems = [f"section 7 lacks the input {name!r}" for name in INPUTS if name not in doc]
    if problems:
        return problems
    problems += [f"section 7 lacks a line for {name!r}" for name in EXPECTED if name not in doc]
    problems += [f"section 7 has a line the test does not know: {doc[k][0]!r}"
                 for k in doc if k not in EXPECTED and k not in INPUTS]
    computed = compute_worked_example(doc)
    for name in EXPECTED:
        if name not in doc:
            continue
        written_name, written, decimals = doc[name]
        actual = computed[name]
        if shape(written) != shape(actual):
            problems.append(f"{written_name}: the doc has shape {shape(written)}, the code {shape(actual)}")
            continue
        for w, a, d in zip(flatten(written), flatten(actual), decimals):
            if abs(w - a) > 0.5 * 10.0 ** -max(d, 4) + 1e-12:
                problems.append(f"{written_name} = {written}, but the code computes "
                                f"{rounded(actual, max(d, 4))}")
                break
    return problems


def test_worked_example_matches_the_code():
    """Section 7: every number of the worked example, recomputed by the network's code."""
    problems = worked_example_problems(doc_text())
    assert not problems, "docs/math.md section 7:\n" + "\n".join(problems)


@pytest.mark.parametrize("change, complaint", [
    (("loss   = 0.9308", "loss   = 0.9309"), "loss"),                      # the 4th decimal
    (("dW1    = [[0.5215,", "dW1    = [[0.5216,"), "dW1"),
    (("relu′(Z1) = [[1, 1], [1, 0]]", "relu′(Z1) = [[1, 1], [1, 1]]"), "relu′(Z1)"),
    (("db2    = [[0.3348, -0.3348]]", "db2    = [[0.3348, -0.3348, 0]]"), "shape"),
    (("loss after the step = 0.5537", ""), "lacks a line for 'lossafterthestep'"),
    (("h      = 0.00001", "h      = 0.00001\nmystery = 1"), "does not know"),
])
def test_the_check_catches_a_wrong_doc(change, complaint):
    """The test above can fail: a copy of the doc with one thing changed is caught."""
    old, new = change
    text = doc_text()
    assert text.count(old) == 1, f"the doc no longer has {old!r}: update this test"
    problems = worked_example_problems(text.replace(old, new))
    assert any(complaint in problem for problem in problems), problems


def test_adams_first_step_moves_every_weight_by_about_lr():
    """Section 10: at t = 1, û = g and ŝ = g², so w moves by η·g/(|g| + ε) ≈ η·sign(g)."""
    doc = parse_worked_example(doc_text())
    net = Network([2, 2, 2])
    for layer, W, b in zip(net.layers, ("W1", "W2"), ("b1", "b2")):
        layer.W, layer.b = Matrix(doc[W][1]), Matrix(doc[b][1])
    X, labels = Matrix(doc["X"][1]), doc["labels"][1]
    before = [(layer.W.tolist(), layer.b.tolist()) for layer in net.layers]
    _, _, gradients = net.loss_and_gradients(X, labels)
    Adam().step(net.layers, gradients, 0.01)
    after = [(layer.W.tolist(), layer.b.tolist()) for layer in net.layers]
    for w0, w1, g in zip(flatten(before), flatten(after), flatten([(dW.tolist(), db.tolist()) for dW, db in gradients])):
        assert g != 0.0
        assert math.isclose(w1 - w0, -0.01 * math.copysign(1.0, g), rel_tol=1e-6)


# ---------------------------------------------------------------- shapes and schedules

def table_rows(text):
    """The body rows of the first Markdown table in text, as lists of stripped cells."""
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in text.splitlines() if line.strip().startswith("|")]
    assert len(rows) >= 3, "no Markdown table found"
    return rows[0], rows[2:]  # rows[1] is the |---| line


def test_shapes_table_matches_a_real_784_128_10_network():
    """Section 2: the shape of every matrix for a batch of m images (here m = 3)."""
    m = 3
    net = Network([784, 128, 10], seed=0)
    rng = random.Random(0)
    X = Matrix([[rng.random() if rng.random() < 0.2 else 0.0 for _ in range(784)] for _ in range(m)])
    labels = [1, 7, 3]
    (W1, b1), (W2, b2) = [(layer.W, layer.b) for layer in net.layers]
    Z1 = net.layers[0].forward(X)
    A1 = relu(Z1)
    Z2 = net.layers[1].forward(A1)
    P = softmax(Z2)
    dZ2 = (P - one_hot(labels, 10)) / m
    dA1 = net.layers[1].input_gradient(dZ2)
    dZ1 = relu_backward(dA1, Z1)
    (dW1, db1), (dW2, db2) = net.loss_and_gradients(X, labels)[2]
    Y = one_hot(labels, 10)
    actual = {"X": X, "W1": W1, "b1": b1, "Z1": Z1, "A1": A1, "W2": W2, "b2": b2, "Z2": Z2, "P": P, "Y": Y,
              "dZ2": dZ2, "dZ1": dZ1, "dA1": dA1, "dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
    actual = {name: value.shape for name, value in actual.items()}

    text = section(doc_text(), "Shapes")
    documented = {}
    for names, size, _ in table_rows(text)[1]:
        names = [name.strip() for name in names.split(",")]
        if size.startswith("as "):
            sizes = [documented[name.strip()] for name in size[3:].split(",")]
        else:
            rows, cols = (part.strip() for part in size.split("×"))
            sizes = [(m if rows == "m" else int(rows), m if cols == "m" else int(cols))] * len(names)
        documented.update(zip(names, sizes))
    assert documented == actual

    count = re.search(r"Parameters: [^=]*= ([\d ]+)\.", text)
    assert count and int(count.group(1).replace(" ", "")) == parameter_count(net)


def test_schedule_table_matches_network_schedules():
    """Section 10: η_e / η for every epoch of the table, from network/schedules.py."""
    text = section(doc_text(), "Optimizers and schedules")
    epochs = int(re.search(r"η_e / η for E = (\d+) epochs", text).group(1))
    header, rows = table_rows(text[text.index("η_e / η for E ="):])
    names = header[1:]
    assert sorted(names) == sorted(SCHEDULES)
    assert [int(row[0]) for row in rows] == list(range(epochs))
    for row in rows:
        epoch = int(row[0])
        for name, written in zip(names, row[1:]):
            assert abs(float(written) - SCHEDULES[name](1.0, epoch, epochs)) <= 0.5e-4, (name, epoch, written)
