"""A training run as the live page sees it: what it has done so far, and Pause, Resume and Step.

train.py --live calls, from its training loop:
    live.epoch_begins(epoch, lr)          before each epoch's first update
    live.after_batch(batch)               after every update (a train_epoch listener)
    live.epoch_ended(result, predicted, confidence)   after each epoch's test and checkpoint
    live.finish()                         once training is over and its files are written
and the page's web server (show/live_server.py) reads what these record (state(), view)
and asks for pause(), resume() and step() from threads of its own.

Training is neither changed nor slowed down:
- It waits only inside epoch_begins and after_batch, between two updates: a paused
  network has every update whole, and Step is exactly one more. It waits on a
  threading.Condition, which the server's threads notify.
- The server never reads the network being trained. Between updates, after_batch keeps
  a view of it (view_of): a shallow copy holding the very weight matrices of that moment.
  Optimizers give the layers new matrices instead of changing the old ones
  (network/sgd.py), so a view keeps its weights while training carries on, and
  server threads compute with it whenever they like, without a lock and without holding
  training up. Making a view costs a few microseconds a batch (with --workers, the rows of
  W₁ that the other processes hold are fetched then); pictures and answers are made from it
  only when a page asks.
- Nothing here draws from the run's random generator or changes a parameter, so a --live
  run ends with the weights of the same run without it, bit for bit, however it was
  paused or stepped.
"""

import copy
import threading
import time
from collections import deque

from my_math import Matrix
from network.loss import cross_entropy
from network.metrics import confusion_counts
from network.training import count_correct

RECENT = 2000  # mini-batches whose loss and accuracy are kept for the chart (a page keeps what it got)
RATE_WINDOW = 20  # images per second are measured over the last RATE_WINDOW mini-batches
CONTROL_TIMEOUT = 60  # seconds pause() and step() wait for training to get there


class NotNow(Exception):
    """A control that does not fit the run's state (Step while running, anything after the end)."""


def view_of(net):
    """A copy of net that keeps its present weights: the network object and its layers are
    copied, the weight matrices' rows shared. An update gives the live layers new matrices
    and leaves the view's as they were. The rows are read here, in the training thread:
    with --workers, some rows of W₁ are fetched only when read, and only until the next
    update can they be (network/parallel/processes.py, RowsAt)."""
    view = copy.copy(net)
    view.layers = [copy.copy(layer) for layer in net.layers]
    for layer in view.layers:
        layer.W = Matrix(layer.W.rows, check=False)
    view.metadata = dict(net.metadata)
    return view


class LiveTraining:
    """The record of a run that the page shows, and the switch that pauses it.

    net is the network being trained, history the epochs already done (a resumed run
    has some), train_size the number of training images, test_set the test images,
    epochs and batch_size the run's settings. paused=True holds training before its
    first update until Resume or Step.
    """

    def __init__(self, net, history, train_size, test_set, epochs, batch_size, paused=False):
        self.net = net
        self.view = self.start = view_of(net)  # start: the network as this run (or its resumption) began
        self.train_size, self.test_set = train_size, test_set
        self.epochs, self.batch_size = epochs, batch_size
        self.batches_per_epoch = -(-train_size // batch_size)
        self.history = [dict(result) for result in history]
        self.changed = threading.Condition()  # its lock guards every field below
        self.state = "paused" if paused else "running"
        self.pause_wanted = paused  # training stops at the next point between updates
        self.step_wanted = self.stepping = False
        self.epoch, self.batch, self.lr = min(len(history) + 1, epochs), 0, None
        self.images_seen = len(history) * train_size
        self.recent = deque(maxlen=RECENT)  # (step, loss, accuracy) of each mini-batch
        self.clock = deque(maxlen=RATE_WINDOW + 1)  # (time, images_seen) since training last (re)started
        self.images_per_second = self.test_seconds = None
        self.last_step = self.confusion = None
        self.answers = None  # (predicted, confidence): the last test's answers, for its mistakes
        self.stop_reason = None  # why training stopped early, when it did (a diverging loss)
        self.version = 0  # goes up with every change: the event stream sends what is new

    # ------------------------------------------------------------------ called by training

    def epoch_begins(self, epoch, lr):
        """Epoch epoch is about to begin, with learning rate lr; pausing holds it here."""
        with self.changed:
            self.epoch, self.batch, self.lr = epoch, 0, lr
            self.images_seen = (epoch - 1) * self.train_size
            self._restart_clock()
            self._changed()
        self._hold_if_wanted()

    def after_batch(self, batch):
        """The listener of train_epoch: record a mini-batch's figures after its update, keep a
        view of the network, and wait here while paused. This runs after every update: it
        only records numbers, except after a Step."""
        view = view_of(self.net)
        now = time.perf_counter()
        with self.changed:
            self.view = view
            self.batch = batch.number
            self.images_seen = (batch.epoch - 1) * self.train_size + batch.seen
            step = (batch.epoch - 1) * self.batches_per_epoch + batch.number
            self.recent.append((step, batch.loss, batch.accuracy))
            self.clock.append((now, self.images_seen))
            if len(self.clock) > 1:
                (t0, seen0), (t1, seen1) = self.clock[0], self.clock[-1]
                self.images_per_second = (seen1 - seen0) / max(t1 - t0, 1e-9)
            self.version += 1  # no one is woken: event streams look every EVENT_INTERVAL
        if self.stepping:
            self._step_done(batch, step, view)
        self._hold_if_wanted()

    def epoch_ended(self, result, predicted, confidence):
        """An epoch is done and tested: its result (train.py's history entry) and the test's answers,
        each image's class and the probability given it (network.evaluate)."""
        counts = confusion_counts(self.test_set.labels, predicted, self.test_set.num_classes)
        with self.changed:
            self.history.append(dict(result))
            self.confusion = counts
            self.answers = (predicted, confidence)
            if len(self.clock) > 0:  # the time since the epoch's last update went to the test
                self.test_seconds = time.perf_counter() - self.clock[-1][0]
            self.view = view_of(self.net)  # with the metadata of the model file just saved
            self._changed()

    def finish(self):
        """Training has ended: the page shows the results, and controls are refused."""
        self._set_state("finished")

    def stop(self):
        """The program is ending (Ctrl-C, or after training): pages are told, waiting controls return."""
        self._set_state("stopped")

    def stopped_because(self, reason):
        """Training was stopped early, for reason (network/diagnosis.py's words): the page says so."""
        with self.changed:
            self.stop_reason = reason
            self._changed()

    # ------------------------------------------------------------------ called by the server's threads

    def pause(self):
        """Stop training at the next point between updates; wait until it is there. The new state."""
        with self.changed:
            self._refuse_if_over()
            self.pause_wanted = True
            self._changed()
            self.changed.wait_for(lambda: self.state != "running", CONTROL_TIMEOUT)
        return self.state_dict()

    def resume(self):
        """Let a paused run carry on. The new state."""
        with self.changed:
            self._refuse_if_over()
            self.pause_wanted = self.step_wanted = False
            if not self.stepping:
                self.state = "running"
            self._changed()
        return self.state_dict()

    def step(self):
        """Exactly one mini-batch, then paused again; waits until it is done. The new state,
        whose last_step says what that one update did to the batch's loss."""
        with self.changed:
            self._refuse_if_over()
            if self.state != "paused" or self.step_wanted:
                raise NotNow("Step works while training is paused: press Pause first")
            self.step_wanted = True
            self.state = "running"
            self._changed()
            self.changed.wait_for(lambda: self.state != "running", CONTROL_TIMEOUT)
        return self.state_dict()

    def wait_for_news(self, seconds):
        """Wait up to seconds, or less when the state changes (say, Pause); the version then."""
        with self.changed:
            self.changed.wait(seconds)
            return self.version

    def state_dict(self, after_step=None):
        """What GET /api/training answers (docs/live.md): the run's figures now, the history of
        its epochs, and the recent mini-batches after number after_step (all kept: None)."""
        with self.changed:
            recent = [{"step": step, "loss": loss, "accuracy": accuracy}
                      for step, loss, accuracy in self.recent if after_step is None or step > after_step]
            return {
                "state": self.state, "pausing": self.pause_wanted and self.state == "running",
                "epoch": self.epoch, "epochs": self.epochs,
                "batch": self.batch, "batches_per_epoch": self.batches_per_epoch, "batch_size": self.batch_size,
                "images_seen": self.images_seen, "train_images": self.train_size,
                "lr": self.lr, "images_per_second": self.images_per_second, "seconds_left": self._seconds_left(),
                "history": list(self.history), "recent": recent, "last_step": self.last_step,
                "confusion": self.confusion, "stop_reason": self.stop_reason, "version": self.version,
            }

    # ------------------------------------------------------------------ inside

    def _changed(self):
        """Count a change and wake those waiting for one (with self.changed held)."""
        self.version += 1
        self.changed.notify_all()

    def _set_state(self, state):
        with self.changed:
            self.state = state
            self.pause_wanted = self.step_wanted = self.stepping = False
            self._changed()

    def _refuse_if_over(self):
        if self.state in ("finished", "stopped"):
            raise NotNow(f"training has {self.state}: there is nothing left to control")

    def _restart_clock(self):
        """Measure images per second from now on: time spent paused or testing does not count."""
        self.clock.clear()
        self.clock.append((time.perf_counter(), self.images_seen))

    def _hold_if_wanted(self):
        """While a pause is wanted, wait here, between two updates, until Resume or Step."""
        if not self.pause_wanted or self.stepping:  # read without the lock: a pause asked for just now waits for the next batch
            return
        with self.changed:
            if self.state == "running" and not self.step_wanted:  # (a Step asked for already: no pause to report)
                self.state = "paused"
                self._changed()
            while self.pause_wanted and not self.step_wanted:
                # With a timeout, so that Ctrl-C gets through on every system.
                self.changed.wait(0.5)
            if self.step_wanted:
                self.step_wanted, self.stepping = False, True
            self._restart_clock()

    def _step_done(self, batch, step, view):
        """After a Step's update: the same batch's loss and accuracy again, with the new weights."""
        P = view.probabilities(batch.X)
        loss_after = cross_entropy(P, batch.labels)
        accuracy_after = count_correct(P.argmax(axis=1), batch.labels) / len(batch.labels)
        with self.changed:
            self.last_step = {"step": step, "epoch": batch.epoch, "batch": batch.number,
                              "loss_before": batch.loss, "loss_after": loss_after,
                              "accuracy_before": batch.accuracy, "accuracy_after": accuracy_after}
            self.stepping = False
            if self.pause_wanted:  # not resumed meanwhile: paused again
                self.state = "paused"
            self._changed()

    def _seconds_left(self):
        """The time the rest of the run should take at the present speed, tests included."""
        if not self.images_per_second or self.state in ("finished", "stopped"):
            return None
        images_left = self.epochs * self.train_size - self.images_seen
        tests_left = self.epochs - len(self.history)
        return images_left / self.images_per_second + tests_left * (self.test_seconds or 0.0)
