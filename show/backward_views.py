"""Following one digit backward: the numbers of the pages' backward views, for one image and a label.

Training sees an image only inside a mini-batch, and the gradients only as sums over it.
The pages take one image x and one label (the true class of a test digit, the
prediction for a drawing, or any class a learner picks) and show what backpropagation
computes for it alone, docs/math.md section 5 with m = 1. L is −ln p_label, the
cross-entropy of this one image, and

    dZ_last = P − Y                  the error at the output, one number per class
    dz_j = φ′(z_j) · Σ_c w_jc dz_c   the error of hidden unit j: what reaches it from the layer
                                     above, through its weights, times the slope of φ at its z
    ∂L/∂w_kj = x_k · dz_j            the gradient of its weights: the pixels, scaled by its error
    ∂L/∂x_k = Σ_j dz_j w_kj          the gradient of the pixels: where more ink raises L

and what one plain gradient step on this image alone would do: every weight and bias
moved by −η times its gradient (no momentum, no weight decay), L measured again.

Every number comes from the network's own code, the code a learner reads: net.forward;
net.backpropagate, started with dZ_last = (P − Y)/m as Network.backward starts it; the
first layer's own input_gradient for the pixels; cross_entropy, net.backward and
network/sgd.py's SGD for the step, on a copy of the network, which stays as it was. What is added up here,
term by term, is the sum a page writes out beside the network's own result, as
show/server.py's unit_computation does for a unit's forward sum.
"""

from collections import namedtuple

from my_math import Matrix
from network.cnn import pooling
from network.loss import cross_entropy, one_hot
from network.more_activations import activation_of
from network.sgd import SGD

from .live import view_of

Backward = namedtuple("Backward", "X Z A label dZ loss gradients")
Backward.__doc__ = """The forward and backward pass of a network for one image and a label:
X (1 × 784), Z and A as net.forward gives them, the label, dZ = [None, dZ_1, ..., dZ_last]
as net.backpropagate gives it, L = −ln p_label and the gradients [(dW_1, db_1), ...]."""


def backward(net, inputs, label=None):
    """The Backward of net for one image, its inputs (0-1), and label (the prediction when None)."""
    X = Matrix([inputs])
    Z, A = net.forward(X)
    P = A[-1]
    if label is None:
        label = P.argmax(axis=1)[0]
    dZ = net.backpropagate(Z, A, (P - one_hot([label], P.shape[1])) / 1)  # dZ_last = (P − Y) / m, m = 1 image
    # L and the gradients as training computes them for a batch of this image, from the same forward pass
    return Backward(X, Z, A, label, dZ, cross_entropy(P, [label]), net.backward(Z, A, [label]))


def output_and_step(net, b, lr):
    """The backward fields of an answer: the label, the error at the output P − Y, the gradient
    of the pixels ∂L/∂x (the first layer's own input_gradient of its dZ_1), L, and L again after
    one plain step of every weight and bias with learning rate lr, on a copy of net."""
    stepped = view_of(net)  # the same weights; the step gives its layers new ones, net keeps its own
    SGD(0.0).step(stepped.layers, b.gradients, lr)  # w ← w − η g: momentum 0 is plain gradient descent
    return {
        "label": b.label,
        "output_error": b.dZ[-1].rows[0],
        "input_gradient": net.layers[0].input_gradient(b.dZ[1]).rows[0],
        "loss": b.loss,
        "loss_after_step": cross_entropy(stepped.probabilities(b.X), [b.label]),
        "lr": lr,
    }


def unit_backward(net, b, j, count):
    """How the error reaches first-layer unit j, and what it makes of it, as a dict for JSON.

    Unit j's activation a_j goes to every unit u of the next layer, through the weight w_ju
    (row j of W_2); each u sends back its error dz_u (for the output layer, p_u − y_u). So

        dA_j = Σ_u w_ju dz_u,    dz_j = φ′(z_j) · dA_j,    ∂L/∂w_kj = x_k dz_j,    ∂L/∂b_j = dz_j

    "backward" lists the count largest terms w_ju dz_u by size, the sum of the others, their
    total dA_j (added up here in the order of the formula) and φ′(z_j), as the network's own
    phi_backward gives it for dA = 1; "delta" is dz_j from the network's own backpropagate,
    and the gradients are column j of the network's own dW_1 and db_1.
    """
    W_next = net.layers[1].W
    dz_next = b.dZ[2].rows[0]
    w = W_next.rows[j]
    terms = [w_ju * dz_u for w_ju, dz_u in zip(w, dz_next)]
    shown, others = largest_first(terms, range(len(terms)), count)
    z = b.Z[1].rows[0][j]
    dW, db = b.gradients[0]
    return {
        "delta": b.dZ[1].rows[0][j],
        "weight_gradient": [row[j] for row in dW.rows],
        "bias_gradient": db.rows[0][j],
        "backward": {
            "to_output": len(net.layers) == 2,  # the next layer is the output: its units are the classes
            "terms": [{"unit": u, "w": w[u], "dz": dz_next[u], "wdz": terms[u]} for u in shown],
            "others": {"count": len(others), "sum": sum(terms[u] for u in others)},
            "sum": sum(terms),
            "slope": net.phi_backward(Matrix([[1.0]]), Matrix([[z]])).rows[0][0],  # φ′(z)
        },
    }


def cell_sum(net, b, f, row, col):
    """Feature map f's cell (row, col) of the first convolution for the image, as a dict for JSON.

    The cell adds up the K × K patch of the image whose top left corner is at (row, col),
    times filter f's weights, and its bias (network/convolution.py, forward):

        z = b_f + Σ_kr Σ_kc x_(row+kr, col+kc) · w_(kr,kc),f

    then φ(z), and its 2 × 2 pooling window keeps the largest of four such values. The
    patch, the weights and their products come in (channel, kernel row, kernel column)
    order; z is added up here in that order; "activation" is φ(z) as the network's own
    forward pass computed it, and "pooling" says which value of the window the network's
    own pooling passes on (the one its backward pass sends the gradient to), or is None
    for a cell in a last odd row or column, which no window covers. "delta" is the cell's
    dz = ∂L/∂z from the network's own backpropagate.
    """
    conv = net.layers[0]
    channels, height, width = conv.input_shape
    K = conv.kernel
    _, out_height, out_width = conv.output_shape
    x = b.X.rows[0]
    patch = [x[(c * height + row + kr) * width + col + kc] for c in range(channels) for kr in range(K) for kc in range(K)]
    weights = [w_row[f] for w_row in conv.W.rows]
    products = [x_k * w_k for x_k, w_k in zip(patch, weights)]
    place = (f * out_height + row) * out_width + col
    maps = net.phi(b.Z[1])  # the maps φ(Z_1) as the network's forward pass computed them, before the pooling
    return {
        "filter": f, "row": row, "column": col,
        "patch": patch, "weights": weights, "products": products,
        "bias": conv.b.rows[0][f],
        "z": sum(products) + conv.b.rows[0][f],
        "activation": maps.rows[0][place],
        "function": activation_of(net),
        "pooling": pooling_window(net, maps, f, row, col),
        "delta": b.dZ[1].rows[0][place],
    }


def pooling_window(net, maps, f, row, col):
    """The 2 × 2 window of map f that covers (row, col), maps being φ(Z_1) of the first convolution:
    its top left corner, its four values φ(z) row by row, which of them the pooling passes on,
    and whether that is this cell; None when no window covers it.

    Which value wins is asked of the pooling's own backward pass: sent a gradient of 1 for
    this window alone, it passes it to the value its forward pass took (the first of equals)."""
    conv = net.layers[0]
    pool = pooling(conv)
    _, out_height, out_width = pool.output_shape
    if row // 2 >= out_height or col // 2 >= out_width:
        return None
    _, height, width = conv.output_shape
    one = [0.0] * (conv.filters * out_height * out_width)
    one[(f * out_height + row // 2) * out_width + col // 2] = 1.0
    sent = pool.input_gradient(maps, Matrix([one])).rows[0]
    top, left = 2 * (row // 2), 2 * (col // 2)
    places = [(f * height + top + kr) * width + left + kc for kr in range(2) for kc in range(2)]
    winner = next(k for k, place in enumerate(places) if sent[place])
    return {"row": top, "column": left, "values": [maps.rows[0][place] for place in places], "winner": winner,
            "won": places[winner] == (f * height + row) * width + col}


def largest_first(terms, candidates, count):
    """(shown, others): the count candidates (indices of terms) whose terms are largest in size,
    largest first, and the rest: the terms a page writes out one by one, and those it adds up."""
    ranked = sorted(candidates, key=lambda i: -abs(terms[i]))
    return ranked[:count], ranked[count:]
