"""What train.py prints: the run's header, a progress line during each epoch, a line after
each epoch, and the results at the end.

Everything goes to standard output, flushed line by line, so that a log file or a pipe
sees each line as it happens.
"""

import shutil
import sys
import time

from network.architecture import describe, parameter_count

LIVE_INTERVAL = 0.25  # seconds between rewrites of the progress line on a terminal


def say(*lines):
    """Print lines now: flushed, so that logs and pipes see each line as it happens."""
    for line in lines:
        print(line, flush=True)


def header(settings, train_set, test_set, net, model_path, state_path, history, replaced=None):
    """The lines before training: the data, the network, the training settings, where it is saved, and
    what it replaces there: the metadata of a model trained on more, if any (network/run_names.py)."""
    rows, cols = train_set.image_shape
    batches = -(-len(train_set) // settings["batch_size"])
    optimizer = settings["optimizer"]
    if optimizer == "sgd" and settings["momentum"]:
        optimizer += f" with momentum {settings['momentum']}"
    if settings["weight_decay"]:
        optimizer += f", weight decay {settings['weight_decay']}"
    limited, test_limited = " (--limit)" * bool(settings["limit"]), " (--test-limit)" * bool(settings["test_limit"])
    lines = [
        f"Data:     {train_set.dataset}, {len(train_set):,} training images{limited} "
        f"and {len(test_set):,} test images{test_limited} of {rows}×{cols} pixels",
        f"Network:  {describe(net)}{activation(settings)}: {parameter_count(net):,} weights and biases",
        f"Training: {plural(settings['epochs'], 'epoch')} of {plural(batches, 'batch', 'batches')} of "
        f"{settings['batch_size']}, {optimizer}, lr {settings['lr']} ({settings['schedule']} schedule), "
        f"seed {settings['seed']}{variants(settings)}",
        f"Saving:   {model_path} and {state_path} after every epoch",
    ]
    if replaced:
        lines.append(f"          replacing a model trained on more ({trained(replaced)}): to keep it, "
                     "Ctrl-C now and give this run a --name")
    if history:
        lines.append(f"Resuming: after epoch {len(history)}, test accuracy {history[-1]['test_accuracy']:.2%}")
    return lines


def trained(metadata):
    """What a model's metadata says it was trained on: "5 epochs on 60,000 images, 97.93% right"."""
    words = f"{plural(metadata.get('epochs', 0), 'epoch')} on {metadata.get('train_images', 0):,} images"
    accuracy = metadata.get("test_accuracy")
    return words + (f", {accuracy:.2%} right" if isinstance(accuracy, (int, float)) else "")


def workers(count):
    """The line that says training is shared out among count processes (train.py --workers)."""
    return (f"Working:  on {count} processes (--workers {count}), each batch shared out among them: "
            "the same weights as on one")


def activation(settings):
    """The hidden activation, for the network's line, when it is not the default ReLU: " (sigmoid)"."""
    return "" if settings.get("activation", "relu") == "relu" else f" ({settings['activation']})"


def variants(settings):
    """Dropout and shifted images, for the training line, when the run has them."""
    words = ""
    if settings.get("dropout"):
        words += f", dropout {settings['dropout']}"
    if settings.get("augment"):
        words += f", images shifted up to {plural(settings['augment'], 'pixel')}"
    return words


class Progress:
    """The running figures of an epoch; the training loop calls it after every mini-batch.

    On a terminal it rewrites one line in place (\\r) a few times a second. Where the
    output goes to a file or a CI log, in which every \\r would pile up, it prints a plain
    line each time another tenth of the epoch is done instead.
    """

    def __init__(self, epoch, epochs, total, stream=None):
        self.stream = stream or sys.stdout
        self.live = self.stream.isatty()
        self.label = f"epoch {epoch}/{epochs}"
        self.total = total
        self.began = self.shown = time.perf_counter()
        self.next_tenth = 1
        self.width = 0  # of the live line on screen, to wipe it

    def __call__(self, batch):
        """Show the figures so far after a mini-batch (a network.training.Batch)."""
        seen, loss, accuracy = batch.seen, batch.mean_loss, batch.mean_accuracy
        if seen >= self.total:
            return  # the epoch's summary line comes next
        now = time.perf_counter()
        if self.live and now - self.shown >= LIVE_INTERVAL:
            self.shown = now
            # A line longer than the terminal would wrap, and \r would then rewrite only its end.
            line = self.line(seen, loss, accuracy, now)[:shutil.get_terminal_size().columns - 1]
            self.stream.write("\r" + line.ljust(self.width))
            self.stream.flush()
            self.width = len(line)
        elif not self.live and seen * 10 >= self.next_tenth * self.total:
            self.next_tenth = seen * 10 // self.total + 1
            print(self.line(seen, loss, accuracy, now), file=self.stream, flush=True)

    def line(self, seen, loss, accuracy, now):
        rate = seen / max(now - self.began, 1e-9)
        return (f"  {self.label}  {seen:>{len(f'{self.total:,}')},}/{self.total:,} images, {rate:,.0f}/s  "
                f"loss {loss:.4f}  accuracy {accuracy:.2%}  {duration((self.total - seen) / rate)} left")

    def close(self):
        """Wipe the live line, so that what is printed next starts on a clean line."""
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def epoch_line(result, epochs):
    """The line after an epoch: its training and test figures, learning rate and time."""
    return (f"epoch {result['epoch']}/{epochs}  train loss {result['train_loss']:.4f} "
            f"accuracy {result['train_accuracy']:.2%}  |  test loss {result['test_loss']:.4f} "
            f"accuracy {result['test_accuracy']:.2%}  |  lr {result['lr']:.3g}  {result['seconds']:.1f} s")


def diagnoses(found):
    """What training noticed after an epoch (network/diagnosis.py), each as a paragraph marked with "!"."""
    lines = []
    for finding in found:
        words, line = finding.message.split(), "  !"
        for word in words:
            if len(line) + 1 + len(word) > 88:
                lines.append(line)
                line = "   "
            line += " " + word
        lines.append(line)
    return lines


def results(history, counts, class_names, test_images):
    """The lines after training: final and best test accuracy, then the accuracy of each class.

    counts[t][p] is how many test images of class t the network took for class p.
    """
    best = max(history, key=lambda h: h["test_accuracy"])
    lines = [f"\nTest accuracy: final {history[-1]['test_accuracy']:.2%}, "
             f"best {best['test_accuracy']:.2%} (epoch {best['epoch']}) on {test_images:,} test images."]
    width = max(map(len, class_names))
    cells = [f"{name:>{width}} {row[c] / sum(row):6.1%}"
             for c, (name, row) in enumerate(zip(class_names, counts)) if sum(row)]
    per_line = min(5, 76 // (len(cells[0]) + 4))  # 5 digits a line, fewer long names to fit 80 columns
    lines.append("Per class:")
    lines += ["  " + "    ".join(cells[i:i + per_line]) for i in range(0, len(cells), per_line)]
    return lines


def files_written(files, seconds):
    """The total time and the list of (path, what it holds)."""
    width = max(len(path) for path, _ in files)
    return [f"Total time {duration(seconds)}.", "Files written:",
            *(f"  {path:<{width}}  {what}" for path, what in files)]


def interrupted(model_path, epochs_done, epochs, command):
    """What Ctrl-C left behind, and the command that carries on from there (None: nothing saved)."""
    if not epochs_done:
        return ["\nInterrupted during the first epoch: nothing was saved."]
    return [f"\nInterrupted. {model_path} holds the network after epoch {epochs_done} of {epochs}.",
            f"To carry on: {command}"]


def live_page(url, paused):
    """The line that says where the live page is (--live)."""
    if paused:
        return f"Live page: {url}  (open it in a browser; training waits for Resume or Step there)"
    return f"Live page: {url}  (open it in a browser to watch the network learn; Pause and Step are there)"


def live_page_stays(url):
    """The line after a live run: the page stays up until Ctrl-C."""
    return f"Training has finished; the live page stays up with the results at {url}  (Ctrl-C stops it)"


def plural(n, noun, nouns=None):
    """1 epoch, 2 epochs; 1 batch, 8 batches."""
    return f"{n} {noun if n == 1 else nouns or noun + 's'}"


def duration(seconds):
    """A number of seconds for people: 42s, 3m05s, 1h02m."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
