"""The worker processes of train.py --workers N: how they start, what they are told, how they end.
The plumbing of the chapter; sharing.py has its mathematics.

With --workers N, this process is worker 0 and starts N − 1 worker processes (workers 1 to
N − 1: the code counts them from 0, and its messages to people from 1). Besides its
share it keeps everything else: the batches, with their shifts for --augment
(data/augment.py), the dropout masks, drawn from the run's generator in the order
network/dropout.py draws them (the other workers never draw a random number), the loss, the
listeners (the progress line, diagnosis, the live page) and the checkpoints; the test after
each epoch it shares out as it does a batch's rows (but where W₁'s rows stay apart, below). Its
network, the run's, gets every new weight (W₁'s when read, below). Per batch it sends each
worker the batch's bytes (X, whole: step 2 needs every row of it), adds up their sums of
X W₁ (sharing.py), gathers their rows of step 1 and hands each worker the others' for step 2,
and finally hands each worker's new rows of W to the others (but W₁'s, below). Matrices travel
as their bytes, an array('d') of the floats (the bytes of the images for X), rebuilt into
rows at the other end: far faster than pickling lists of floats.

Where X W₁ is summed in parts, each worker keeps its rows of W₁; this process's network gets
the others' only when something reads its W₁ (RowsAt): the test and the checkpoint after each
epoch, the live page after every step. Where that product is not used at all (--textbook,
PyPy), W₁'s new rows go round as any other layer's; a batch that cannot use it (of floats,
or with a W₁ holding an infinity or a NaN) has the workers given the whole W₁ first.
benchmarks/workers.py measures the speed-up and counts the bytes that travel.

The workers are started once per run: forked on Linux, where they start at once with a
copy of everything; started afresh ("spawn") elsewhere, which gives the same numbers,
only a slower start. They ignore Ctrl-C, which reaches every process of the terminal's
group: this process answers it, and close() stops them all. A worker that dies or fails
stops training with a WorkerError that names it and says what happened.
"""

import contextlib
import copy
import multiprocessing
import signal
import sys
import time
from array import array
from functools import cached_property
from itertools import chain

from my_math import Matrix
from my_math.fast import fast_forms_in_use, use_fast_forms
from my_math.fast.byte_matrix import (ByteMatrix, largest_size, packed_rows, partial_sums, product_from_sums,
                                      summed_in_parts)

from ..dense import Dense
from ..dropout import DropoutTraining, draw_masks, hidden_sizes, with_masks
from ..loss import log_likelihoods, one_hot
from ..optimizer_state import load_state, state_of
from .balance import Balance
from .sharing import (AlreadyMultiplied, Part, columns_of, joined_state, rows_of, rows_of_weight_gradient, shares,
                      split_state, weights_input)


# How the worker processes start: forked on Linux (at once, with a copy of everything), the system's own
# way elsewhere ("spawn" on macOS and Windows: a fresh Python, handed what it needs; a slower start).
START_METHOD = "fork" if sys.platform.startswith("linux") else None


class WorkerError(RuntimeError):
    """A worker process died or failed, and training cannot go on; the message is one line."""


@contextlib.contextmanager
def steps_on(count, net, optimizer, dropout=0.0, rng=None):
    """(trainee, optimizer) for train_epoch's steps on count processes, net having dropout q = dropout
    drawn from rng, the run's generator: with 1, the network itself (seen through dropout's masks
    if any: network/dropout.py) and optimizer, and no worker at all; with more, count Workers and
    their optimizer; they are stopped when the with block ends, however it ends."""
    if count == 1:
        yield (DropoutTraining(net, dropout, rng) if dropout else net), optimizer
        return
    with Workers(count, net, optimizer, dropout, rng) as workers:
        yield workers, workers.optimizer


class Workers:
    """count workers that compute the mini-batch steps of net with optimizer between them: this process
    and count − 1 worker processes.

        with Workers(4, net, optimizer) as workers:
            train_epoch(workers, workers.optimizer, data, batch_size, rng, lr)

    The workers stand in for the network in train_epoch (their loss_and_gradients shares each
    batch out, and their layers are net's), and workers.optimizer for the optimizer: its
    step has the workers update the weights, each its rows, net's among them (this process
    is worker 0, and its net is net); its state gathers their states into the whole
    optimizer's (for save_checkpoint). net and optimizer are the starting point: net's
    weights and optimizer's state as they are now. With dropout q, the masks are drawn from
    rng, the run's generator, as network/dropout.py's DropoutTraining draws them.
    """

    def __init__(self, count, net, optimizer, dropout=0.0, rng=None):
        self.count = count
        self.net, self.dropout, self.rng = net, dropout, rng
        # rows[index][worker]: the rows of the layer at that index (from 0) that the worker computes and updates
        self.rows = [shares(layer.W.shape[0], count) for layer in net.layers]
        self.processes, self.connections = [], []  # of workers 1, 2, ..., count − 1
        self.balance = Balance(count)
        first = net.layers[0]
        self.first_top = largest_size(first.W.rows) if isinstance(first, Dense) else None  # max |w| of W₁
        # Whether X W₁ is summed in parts, and W₁'s rows stay with the workers (not under --textbook, nor on
        # PyPy, nor for a convolution): then W₁'s new rows go nowhere; else they go round as any layer's.
        self.first_kept = self.first_top is not None and summed_in_parts(*first.W.shape, self.first_top)
        self.first_stale = False  # whether the other workers' W₁ lacks rows of theirs (see loss_and_gradients)
        self.steps = 0  # the optimizer's steps so far
        self.broken = self.stopped = False  # whether an exchange was broken off; whether close() stopped them
        self.rows_of_workers = None  # each worker's rows of step 1 of the last batch, for this process's step 2
        self.optimizer = SharedOptimizer(self, optimizer.name)
        state = state_of(optimizer)
        context = multiprocessing.get_context(START_METHOD)
        sys.stdout.flush()  # a forked worker would write out a copy of what waits in the buffers
        sys.stderr.flush()
        try:
            for worker in range(1, count):
                self._start(context, worker, net, optimizer, split_state(state, self.rows, worker))
        except BaseException:
            self.close()
            raise
        self.mine = Worker(net, copy.deepcopy(optimizer), split_state(state, self.rows, 0), 0, count, self.first_kept,
                           dropout)

    def _start(self, context, worker, net, optimizer, state):
        ours, theirs = context.Pipe()
        # A forked worker has a copy of this process's ends of its own connection and of the ones
        # before: it closes them, so that each connection reads its end when the other side goes.
        inherited = [ours] + self.connections if context.get_start_method() == "fork" else []
        process = context.Process(target=_work, name=f"worker {worker + 1} of {self.count}", daemon=True,
                                  args=(theirs, inherited, worker, self.count, net, optimizer, state, self.first_kept,
                                        self.dropout, fast_forms_in_use()))
        with _ctrl_c_held():  # until the worker ignores it
            process.start()
        theirs.close()  # the worker's end is the worker's alone: when it dies, ours reads the end
        self.processes.append(process)
        self.connections.append(ours)

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        try:
            if kind is None and self.first_kept and not self.broken:  # W₁'s rows, while their workers live
                first = self.mine.net.layers[0]
                first.W = Matrix(first.W.rows, check=False)
        finally:
            self.close()

    def close(self):
        """Stop every worker process (at once: nothing of theirs is worth waiting for) and wait for it to end."""
        self.stopped = True
        for connection in self.connections:
            connection.close()
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        for process in self.processes:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()

    # ------------------------------------------------------------------ one step

    @property
    def layers(self):
        """The layers of the network of this process, the run's."""
        return self.net.layers

    def loss_and_gradients(self, X, labels):
        """Network.loss_and_gradients' (L, P, gradients), the work shared out; the gradients stay with the
        workers, each holding its rows, for the optimizer's step (None stands for them here).

        The dropout masks are drawn here, as DropoutTraining draws them. Then X W₁ in parts,
        where it can be (the module's docstring): every worker's sums for every image, added
        up here. Then step 1: each worker takes its rows of the batch (and their sums); the
        loss is the mean of their terms, added in order; step 2 starts at once: every worker
        gets the others' rows of the layers' inputs and of their dZ, and computes its rows of
        each dW (this process, in step: the others are told to update first, so that none
        waits for it).
        """
        net, m = self.net, len(labels)
        masks = draw_masks(self.rng, m, hidden_sizes(net), self.dropout) if self.dropout else None
        batch = encoded(X)
        sums = None
        if self.first_kept and isinstance(X, ByteMatrix) and summed_in_parts(*net.layers[0].W.shape, self.first_top):
            parts = self._everyone([("first_sums", batch, self.first_top)] * self.count)
            sums, batch = [sum(parts_of_one_image) for parts_of_one_image in zip(*parts)], None  # every worker has X
        elif self.first_stale:
            self._tell([("whole_first", encoded(net.layers[0].W))] * self.count)
            self.first_stale = False
        messages = []
        for rows in self.balance.shares(m):
            mask_rows = [encoded(rows_of(M, rows)) for M in masks] if masks and rows else None
            messages.append(("batch", batch, labels, rows, m, mask_rows, sums and sums[rows.start:rows.stop]))
        answers = self._everyone(messages)
        self.balance.took([answer[3] for answer in answers])
        terms = list(chain.from_iterable(answer[0] for answer in answers))
        P = decoded(joined(answer[1] for answer in answers))
        self.rows_of_workers = [answer[2] for answer in answers]
        self._tell([("gradients", [None if other == worker else rows
                                   for other, rows in enumerate(self.rows_of_workers)])
                    for worker in range(self.count)])  # to each, the rows it has not got
        return -sum(terms) / m, P, None

    def step(self, lr):
        """Every worker updates its rows of each layer's W (and each b) with learning rate lr; then each gets
        the others' new rows (every worker's network gets them, net among them), but for W₁'s: each
        worker keeps its own, and net's W₁ fetches them from the workers when it is read (RowsAt).
        This process does its step 2 only now, once the others know they may update when done."""
        self._tell([("update", lr)] * self.count)
        with self._talking():
            self.mine.gradients([None] + self.rows_of_workers[1:])
            news = [self.mine.update(lr)] + self._answers()
        self.steps += 1
        if self.first_kept:
            self.first_top = largest_size([[new[2] for new in news if new[2] is not None]])
            news = [new if worker == 0 else ([RowsAt(self, worker)] + new[0][1:], new[1], new[2])
                    for worker, new in enumerate(news)]
        messages = []
        for worker in range(self.count):
            others = [None if other == worker else new for other, new in enumerate(news)]
            if worker > 0 and self.first_kept:  # every W but W₁, and every b
                others = [new and ([None] + new[0][1:], new[1]) for new in others]
            messages.append(("weights", others))
        self.first_stale = self.first_kept
        self._everyone(messages, answers=False)

    def probabilities(self, X):
        """Network.probabilities(X), for the test after each epoch: the rows of X shared out, each worker
        computing its rows with its network, whose weights are net's after every step (each row of P
        from its own row of X alone, as in step 1). Where the workers keep their rows of W₁ to
        themselves, this process computes them all: its W₁ fetches their rows (RowsAt)."""
        if self.first_kept:
            return self.net.probabilities(X)
        answers = self._everyone([("probabilities", encoded(rows_of(X, rows)) if rows else None)
                                  for rows in shares(X.shape[0], self.count)])
        return decoded(joined(answers))

    def first_rows(self, worker):
        """The rows of W₁ of the worker numbered worker (from 0), as they are now."""
        if self.broken or self.stopped:
            raise RuntimeError(f"the rows of W₁ of worker {worker + 1} are gone: the workers stopped before anything "
                               "read them")
        with self._talking():
            self._send(self.connections[worker - 1], worker, ("first_rows",))
            return decoded(self._receive(self.connections[worker - 1], worker)).rows

    def optimizer_state(self):
        """The state of the whole optimizer (network/optimizer_state.py), from the workers' states of their rows."""
        return joined_state(self._everyone([("state",)] * self.count), self.rows)

    # ------------------------------------------------------------------ messages

    def _everyone(self, messages, answers=True):
        """Each worker (numbered from 0) does messages[worker]: the processes are told first, then this process its own;
        the answers, worker by worker (or None, when answers is false: there are none)."""
        self._tell(messages)
        with self._talking():
            kind, *contents = messages[0]
            mine = getattr(self.mine, kind)(*contents)
            return [mine] + self._answers() if answers else None

    def _tell(self, messages):
        """Each worker process is sent messages[worker] (messages[0], this process's, is not sent)."""
        with self._talking():
            for connection, worker in zip(self.connections, range(1, self.count)):
                self._send(connection, worker, messages[worker])

    def _answers(self):
        """The answer of each worker process, in order."""
        with self._talking():
            return [self._receive(connection, worker) for connection, worker in zip(self.connections, range(1, self.count))]

    @contextlib.contextmanager
    def _talking(self):
        """Around every exchange with the workers: one broken off (by Ctrl-C, an error) may leave a message
        half sent or an answer unread, and nothing more can be asked of them (broken)."""
        try:
            yield
        except BaseException:
            self.broken = True
            raise

    def _send(self, connection, worker, message):
        try:
            connection.send(message)
        except OSError:  # BrokenPipeError among them: the worker is gone
            raise self._lost(worker) from None

    def _receive(self, connection, worker):
        try:
            message = connection.recv()
        except (EOFError, OSError):
            raise self._lost(worker) from None
        if isinstance(message, WorkerError):
            raise WorkerError(f"worker {worker + 1} of {self.count} failed: {message}")
        return message

    def _lost(self, worker):
        """The WorkerError for the worker numbered worker, which closed its end: how it ended."""
        process = self.processes[worker - 1]
        process.join(5)
        code = process.exitcode
        if code is None:
            how = "stopped answering"
        elif code < 0:
            how = f"killed by signal {-code}, {_signal_name(-code)}"
        else:
            how = f"exited with status {code}"
        return WorkerError(f"worker {worker + 1} of {self.count} died ({how})")


class SharedOptimizer:
    """What train_epoch and save_checkpoint see of the optimizer when Workers update the weights."""

    def __init__(self, workers, name):
        self.workers = workers
        self.name = name

    def step(self, layers, gradients, lr):
        """The workers' update, for the gradients they hold (gradients is loss_and_gradients' None); layers
        are the layers of the network of this process, which is one of the workers."""
        self.workers.step(lr)

    def state(self):
        return self.workers.optimizer_state()


# ---------------------------------------------------------------------- in a worker process

def _work(connection, inherited, worker, count, net, optimizer, state, first_kept, dropout, fast_forms):
    """A worker's life: answer the main process's messages until it goes away (or stops it)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the main process to answer
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    for other_end in inherited:
        other_end.close()
    use_fast_forms(*fast_forms)  # --textbook reaches the workers too
    try:
        this_worker = Worker(net, optimizer, state, worker, count, first_kept, dropout)
        while True:
            try:
                kind, *contents = connection.recv()
            except (EOFError, OSError):  # the main process has gone, or closed our connection: nothing to do
                return
            answer = getattr(this_worker, kind)(*contents)
            if answer is not None:
                connection.send(answer)
    except BaseException as error:  # whatever it is, the main process must hear of it
        with contextlib.suppress(OSError):
            connection.send(WorkerError(f"{type(error).__name__}: {error}"))
        sys.exit(1)


class Worker:
    """One worker's part: its rows of each batch (step 1), its rows of each dW and of each W (step 2).

    Each method answers one kind of message from the main process (Workers above), with
    the answer to send back, or None for none.
    """

    def __init__(self, net, optimizer, state, worker, count, first_kept, dropout):
        self.net = net
        self.dropout = dropout
        self.layers = net.layers
        self.own_rows = [shares(layer.W.shape[0], count)[worker] for layer in self.layers]
        self.optimizer = optimizer
        load_state(optimizer, state)  # the state of its own rows
        self.parts = self._parts()
        self.X = self.inputs_and_dZ = self.part_gradients = None
        self.first_kept = first_kept  # whether it keeps its rows of W₁ to itself (Workers.first_kept)
        self.first_top = None  # the largest |w| of the W₁ that X W₁ is computed in parts for

    def _parts(self):
        """For each layer of which it has rows: those rows of W, and b, as the optimizer sees a layer."""
        return [Part(Matrix(layer.W.rows[rows.start:rows.stop], check=False), layer.b)
                for layer, rows in zip(self.layers, self.own_rows) if rows]

    def first_sums(self, batch, top):
        """The batch, and, for each of its images, the whole number Σ_k byte_ik R_k over its own rows k of W₁
        packed (top: the largest |w| of all of W₁), for the main process to add up with the others'."""
        self.X = decoded(batch)
        self.first_top = top
        rows = self.own_rows[0]
        if not rows:
            return [0] * len(self.X.byte_rows)
        n = self.layers[0].W.shape[0]
        return partial_sums(columns_of(self.X, rows).byte_rows, packed_rows(self.parts[0].W.rows, top, n))

    def batch(self, batch, labels, rows, m, masks, sums):
        """Step 1 for the batch's rows `rows` (of m): the terms of the loss, the classes predicted and,
        for each layer with weights, the input it read (None for the batch itself) and its dZ, which
        it keeps for step 2 (the others get them too); and the time it took. batch is None when
        first_sums had it, and then sums are the whole numbers of X W₁ for these rows."""
        began = time.perf_counter()
        if batch is not None:
            self.X = decoded(batch)
        self.inputs_and_dZ = ()
        if not rows:
            return (), None, (), time.perf_counter() - began
        X = rows_of(self.X, rows)
        if sums is not None:
            X = AlreadyMultiplied(product_from_sums(sums, X.byte_rows, self.first_top, *self.layers[0].W.shape))
        net = with_masks(self.net, [decoded(M) for M in masks], self.dropout) if masks else self.net
        labels = labels[rows.start:rows.stop]
        Z, A = net.forward(X)
        P = A[-1]
        dZ = net.backpropagate(Z, A, (P - one_hot(labels, P.shape[1])) / m)  # m: the whole batch's size
        self.inputs_and_dZ = [(None if A[l - 1] is X else encoded(weights_input(layer, A[l - 1])), encoded(dZ[l]))
                              for l, layer in enumerate(net.layers, 1)]
        return log_likelihoods(P, labels), encoded(P), self.inputs_and_dZ, time.perf_counter() - began

    def gradients(self, rows_of_workers):
        """Step 2: its rows of each dW, and each db, from every row of each layer's input and dZ: every
        worker's rows of step 1, in order (None in place of its own, which batch kept)."""
        pieces = [self.inputs_and_dZ if rows is None else rows for rows in rows_of_workers]
        pieces = [rows for rows in pieces if rows]  # of the workers that had rows of the batch
        self.part_gradients = []
        for index, (layer, rows) in enumerate(zip(self.layers, self.own_rows)):
            if rows:
                A_prev, dZ = (joined([piece[index][which] for piece in pieces]) for which in (0, 1))
                A_prev = self.X if A_prev is None else decoded(A_prev)
                dZ = decoded(dZ)
                self.part_gradients.append((rows_of_weight_gradient(layer, A_prev, dZ, rows),
                                                layer.bias_gradient(dZ)))

    def update(self, lr):
        """The optimizer's step for its rows. Its answer, its news: for each layer, the new rows it has (None
        where none, and for W₁ when each worker keeps its rows) and the new b; and the largest |w| of its
        rows of W₁ (None if it has none, or they are not kept)."""
        self.optimizer.step(self.parts, self.part_gradients, lr)
        new = iter(self.parts)
        parts = [next(new) if rows else None for rows in self.own_rows]
        top = largest_size(parts[0].W.rows) if self.first_kept and parts[0] else None
        new_rows = [encoded(part.W) if part and (index > 0 or not self.first_kept) else None
                    for index, part in enumerate(parts)]
        return new_rows, [part and encoded(part.b) for part in parts], top

    def probabilities(self, X):
        """P for the samples X (encoded; None for none): its share of a test."""
        return X and encoded(self.net.probabilities(decoded(X)))

    def first_rows(self):
        """Its rows of W₁, as they are now (encoded)."""
        return encoded(self.parts[0].W)

    def weights(self, news):
        """Every worker's update answer, None in place of its own: the new W and b of every layer, but for
        rows not sent (the others' rows of W₁, to a worker that multiplies by its own only), which stay
        as they were. The rows that came stay bytes until something reads them (RowsInBytes); so do
        the other workers' rows of W₁ in this process, which come only then (RowsAt)."""
        own = iter(self.parts)
        for index, (layer, rows) in enumerate(zip(self.layers, self.own_rows)):
            part = next(own) if rows else None
            pieces = []
            for new, theirs in zip(news, shares(layer.W.shape[0], len(news))):
                if new is None:
                    pieces.append(part.W.rows if part else [])
                elif new[0][index]:
                    pieces.append(new[0][index])
                else:
                    pieces.append(layer.W.rows[theirs.start:theirs.stop])
            layer.b = part.b if part else decoded(next(new[1][index] for new in news if new and new[1][index]))
            layer.W = RowsInBytes(pieces, layer.W.shape)

    def whole_first(self, W):
        """The whole of W₁ (encoded), for a batch whose X W₁ cannot be computed in parts."""
        self.layers[0].W = decoded(W)

    def state(self):
        return state_of(self.optimizer)


class RowsInBytes(Matrix):
    """A layer's W after a step, made of pieces in order: the worker's own new rows (lists of floats), the
    other workers' rows as they came (encoded), and in this process, for W₁, RowsAt the workers that
    hold them. They become floats only when something reads the rows, once. This process computes
    with its own rows of W₁ only: during an epoch nothing reads its W₁ but the live page (after
    every step); the test and the checkpoint read it after. The busiest process is spared making
    50 000 floats and more at every step, and the others the sending of them."""

    def __init__(self, pieces, shape):
        self.pieces = pieces
        self._shape = shape

    @cached_property
    def rows(self):
        rows = []
        for piece in self.pieces:
            if isinstance(piece, list):
                rows += piece
            elif isinstance(piece, RowsAt):
                rows += piece.rows()
            else:
                rows += decoded(piece).rows
        return rows

    @property
    def shape(self):
        return self._shape


class RowsAt:
    """The rows of W₁ that the worker numbered worker holds after the workers' step number `step`: fetched from
    it when read.

    They must be read before the next step changes them: W₁ is read in the process that trains
    the network (the live page makes its views there and reads their rows at once), and Workers
    reads it before the workers stop."""

    def __init__(self, workers, worker):
        self.workers = workers
        self.worker = worker
        self.step = workers.steps

    def rows(self):
        if self.step != self.workers.steps:
            raise RuntimeError(f"W₁ of step {self.step} read after step {self.workers.steps}: its rows are gone")
        return self.workers.first_rows(self.worker)


# ---------------------------------------------------------------------- matrices as bytes

def encoded(matrix):
    """A matrix as (kind, rows, columns, bytes): "B" for a ByteMatrix (its bytes), "d" for floats
    (an array('d'): 8 bytes a float, exactly, NaNs and signs of zero included)."""
    if isinstance(matrix, ByteMatrix):
        return "B", len(matrix.byte_rows), matrix.shape[1], b"".join(matrix.byte_rows)
    values = array("d")
    for row in matrix.rows:
        values.fromlist(row)
    return "d", len(matrix.rows), len(matrix.rows[0]), values.tobytes()


def decoded(encoding):
    """The matrix of encoded(matrix): that matrix again."""
    kind, m, n, data = encoding
    if kind == "B":
        return ByteMatrix([data[start:start + n] for start in range(0, m * n, n)])
    values = array("d")
    values.frombytes(data)
    values = values.tolist()
    return Matrix([values[start:start + n] for start in range(0, m * n, n)], check=False)


def joined(encodings):
    """The encoding of the matrices of encodings (of the same kind and columns, None for none) one
    under the other; None when there are none."""
    encodings = [encoding for encoding in encodings if encoding]
    if not encodings:
        return None
    kind, _, n, _ = encodings[0]
    return kind, sum(encoding[1] for encoding in encodings), n, b"".join(encoding[3] for encoding in encodings)


def _signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return "an unknown signal"


@contextlib.contextmanager
def _ctrl_c_held():
    """Ctrl-C (SIGINT) held back in the with block, and delivered after it (where the system can)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
