"""Train the network on MNIST and save it:  python train.py   (python train.py --help for the options)

What happens, in order:
  1. the settings: the defaults with the command line on top, or, with --resume, the
     saved run's (network/settings.py);
  2. the data: the training and test images (data.load_mnist);
  3. a new network and optimizer, or the ones of the checkpoint being resumed;
  4. training, one epoch at a time: a pass over the shuffled training images in
     mini-batches (network.train_epoch), shifted at random with --augment (data/augment.py),
     a test, and a checkpoint (network/checkpoint.py), so Ctrl-C loses at most the epoch
     under way and --resume carries on from there; the run's record in runs/
     (network/run_records.py), for compare_runs.py, is written again after every epoch;
  5. the results: accuracy overall and per class, pictures, the files written.
What it prints is written in show/training_text.py, the pictures in show/plots.py.
With --live, a web page shows the network as it learns, with Pause, Resume and Step
(show/live.py and show/live_server.py); its server runs in threads beside training.
"""

import importlib.util
import os
import random
import shlex
import sys
import tempfile
import time

from data import DataError, load_mnist
from data.augment import Shifted
from data.catalog import DEFAULT_DATASET
from my_math.fast import use_fast_forms
from network import SGD, TrainingDiverged, diagnosis, evaluate, train_epoch
from network.adam import Adam
from network.architecture import describe, make_network
from network.checkpoint import CheckpointError, interrupts_held, load_checkpoint, save_checkpoint, state_path
from network.layer_health import LayerHealth
from network.metrics import confusion_counts
from network.model_file import ModelFileError, default_model_path
from network.more_activations import activation_of
from network.optimizer_state import load_state
from network.parallel import WorkerError, steps_on
from network.rmsprop import RMSprop
from network.run_names import default_name, trained_on_more
from network.run_records import RunRecord
from network.weight_decay import WeightDecay
from network.schedules import SCHEDULES
from network.settings import SettingsError, changed_on_resume, conv_layers, parse_args, settings_from
from show import training_text as text
from show.command_line import ArgumentParser
from show.terminal import quiet_when_the_reader_goes

INTERRUPTED = 130  # the exit status of a program stopped by Ctrl-C (128 + SIGINT)


def main(argv=None):
    """Run train.py with the arguments argv (default: the command line); return the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv, ArgumentParser)
    try:
        return run(args, argv)
    except BrokenPipeError:  # the reader of the output went away: see show/terminal.py
        raise
    except (DataError, ModelFileError, CheckpointError, SettingsError, TrainingDiverged, WorkerError,
            OSError) as error:
        print(f"train.py: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # before training started: nothing to keep
        print("\nInterrupted.", file=sys.stderr)
        return INTERRUPTED


def run(args, argv):
    """Everything after reading the command line argv; returns the exit status."""
    use_fast_forms(not args.textbook)  # --textbook: every operation by its plain definition, slowly
    model_path = args.out or default_model_path(args.name or args.dataset or DEFAULT_DATASET)
    checkpoint = load_checkpoint(model_path) if args.resume else None
    settings = settings_from(args, checkpoint.settings if checkpoint else None)
    plots_dir = pictures_folder(args)
    for folder, option in ((os.path.dirname(model_path), "--out"), (plots_dir, "--plots-dir"),
                           (args.runs_dir, "--runs-dir")):
        if folder is not None:
            check_writable(folder, option)

    train_set, test_set = load_data(settings)
    net, optimizer, rng, history = resume(checkpoint, settings, train_set) if checkpoint else start(settings, train_set)
    # The workers start before the page's threads (network/parallel/processes.py).
    with steps_on(args.workers, net, optimizer, settings["dropout"], rng) as (trainee, optimizer):
        record = run_record(args, argv, checkpoint, settings, model_path)
        # Each layer's health now and then, for the live page and plots/NAME-layers.png; unwatched without them.
        watched = args.live or plots_dir
        health = LayerHealth(net, train_set, settings["batch_size"], activation_of(net)) if watched else None
        page = open_live_page(args, net, history, train_set, test_set, settings, record.path, health)
        record.update(history)  # written once the page is up: a port in use leaves no record behind
        try:
            say_what_happens(args, settings, train_set, test_set, net, model_path, history, page)
            started = time.perf_counter()
            try:
                predicted, confidence = train(net, trainee, optimizer, rng, history, settings, train_set, test_set,
                                              model_path, record, args.quiet, page.training if page else None, health)
            except KeyboardInterrupt:
                record.update(history, "interrupted")
                text.say(*text.interrupted(model_path, len(history), settings["epochs"],
                                           resume_command(args)))
                return INTERRUPTED
            except TrainingDiverged as error:  # stopped: say why, what to try, and what is kept
                message = f"{error}: {diagnosis.diverged_advice(settings['lr'])} ({kept(model_path, history)})"
                stopped(record, page, history, "diverged", message)
                raise TrainingDiverged(message) from None
            except WorkerError as error:  # a worker died: what is kept, and how to carry on from there
                carry_on = f"; {resume_command(args)} carries on" if history else ""
                message = f"{error} ({kept(model_path, history)}{carry_on})"
                stopped(record, page, history, "interrupted", message)
                raise WorkerError(message) from None
            record.update(history, "finished")
            report(net, history, test_set, predicted, confidence, model_path, record, plots_dir, started, health)
            if page:  # only now, with every file written, may a Ctrl-C from the page's reader end the run
                page.training.finish()
                text.say(text.live_page_stays(page.url))
                page.wait_for_ctrl_c()
                text.say("\nStopped.")
            return 0
        except BaseException as error:  # a closed pipe, an error, Ctrl-C before training: the record says so
            record.ended_by(history, error)
            raise
        finally:
            if page:
                page.stop()


def kept(model_path, history):
    """What a run that stopped early keeps, in words."""
    return f"{model_path} keeps epoch {len(history)}" if history else "no epoch finished, nothing was saved"


def stopped(record, page, history, outcome, message):
    """A run stopped by what message says: into its record, and onto the live page."""
    record.update(history, outcome, message)
    if page:
        page.training.stopped_because(message)


def say_what_happens(args, settings, train_set, test_set, net, model_path, history, page):
    """The header before training (unless --quiet), and the live page's address."""
    if not args.quiet:
        replaced = None if history else trained_on_more(model_path, settings["epochs"], len(train_set))
        text.say(*text.header(settings, train_set, test_set, net, model_path, state_path(model_path), history,
                              replaced))
        if args.textbook:
            text.say("Computing with the plain definitions only (--textbook): slowly")
        if args.workers > 1:
            text.say(text.workers(args.workers))
    if page:
        text.say(text.live_page(page.url, args.paused))


def report(net, history, test_set, predicted, confidence, model_path, record, plots_dir, started, health):
    """After training: the test results, the pictures (with the layers' health, if watched), the files
    written and what to try next."""
    counts = confusion_counts(test_set.labels, predicted, test_set.num_classes)
    text.say(*text.results(history, counts, test_set.class_names, len(test_set)))
    files = [(model_path, "the trained network"), (state_path(model_path), "the training state, for --resume"),
             (record.path, "the run's record, for compare_runs.py")]
    if plots_dir:
        from show.plots import draw_training_pictures  # matplotlib is imported only to draw
        files += draw_training_pictures(plots_dir, record.name, history, net, test_set, predicted, confidence,
                                        counts, health.records if health else [])
    seconds = time.perf_counter() - started
    record.took(seconds)  # the time printed here is the record's too, for compare_runs.py
    text.say(*text.files_written(files, seconds))
    try_next = "python test_single.py --random"
    if model_path != default_model_path(DEFAULT_DATASET):
        model = record.name if model_path == default_model_path(record.name) else model_path
        try_next += f" --model {shlex.quote(model)}"
    text.say(f"Next, try: {try_next}")


def open_live_page(args, net, history, train_set, test_set, settings, record_path, health):
    """With --live, the live page's server, serving already; else None. A port in use is an OSError.
    The page draws earlier runs of --runs-dir, not this run's record at record_path, and the
    layers' health as health records it."""
    if not args.live:
        return None
    from show.live_server import LivePage  # the web server only for --live
    return LivePage(net, history, train_set, test_set, settings, args.host, args.port, args.paused,
                    args.runs_dir, record_path, health)


def pictures_folder(args):
    """Where the pictures go, or None: --no-plots, or no matplotlib to draw them."""
    if args.no_plots:
        return None
    if importlib.util.find_spec("matplotlib") is None:
        text.say("No pictures: matplotlib is not installed (pip install -r requirements.txt).")
        return None
    return args.plots_dir


def check_writable(folder, option_name):
    """Stop now, not after an hour of training, if folder cannot be made or written in."""
    folder = folder or "."
    try:
        os.makedirs(folder, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as error:
        raise OSError(f"cannot write in {folder} ({error.strerror or error}): choose another {option_name}") from None


def resume_command(args):
    """The command that carries on an interrupted run: the options that chose its model file, and those
    given anew when resuming."""
    command = [sys.argv[0] if sys.argv[0].endswith(".py") else "train.py", "--resume"]
    for option, value in (("--out", args.out), ("--name", args.name), ("--dataset", args.dataset)):
        command += [option, value] if value else []
    if args.resume:  # options given anew when resuming are saved only with the next epoch
        command += changed_on_resume(args)
    return "python " + " ".join(map(shlex.quote, command))


# ---------------------------------------------------------------------- data, network, optimizer

def load_data(settings):
    """The training and test sets, cut down to --limit and --test-limit images."""
    train_set, test_set = load_mnist(settings["data_dir"], settings["dataset"])
    if settings["limit"]:
        train_set = train_set.take(settings["limit"])
    if settings["test_limit"]:
        test_set = test_set.take(settings["test_limit"])
    return train_set, test_set


def make_optimizer(settings):
    """The optimizer the settings name, with their momentum, and weight decay if any (network/weight_decay.py)."""
    optimizer = {"sgd": lambda: SGD(settings["momentum"]), "adam": Adam, "rmsprop": RMSprop}[settings["optimizer"]]()
    return WeightDecay(optimizer, settings["weight_decay"]) if settings["weight_decay"] else optimizer


def new_network(settings, train_set):
    """A new network as the settings describe it, initialised from their seed: pixels in, the
    convolutions (--conv), the hidden layers (--hidden) with their activation, one output per class."""
    return make_network([train_set.image_size, *settings["hidden"], train_set.num_classes], seed=settings["seed"],
                        activation=settings["activation"], conv=conv_layers(settings["conv"]),
                        input_shape=(1, *train_set.image_shape))


def start(settings, train_set):
    """A new run: (network, optimizer, shuffling RNG, empty history)."""
    return new_network(settings, train_set), make_optimizer(settings), random.Random(settings["seed"]), []


def resume(checkpoint, settings, train_set):
    """The run of a checkpoint, ready to carry on: (network, optimizer, shuffling RNG, history)."""
    saved, needed = describe(checkpoint.net), describe(new_network(settings, train_set))
    if saved != needed:
        raise CheckpointError(f"the saved network is {saved}, but its settings and data need {needed}: "
                              "start a new run")
    if activation_of(checkpoint.net) != settings["activation"]:
        raise CheckpointError(f"the saved network computes with {activation_of(checkpoint.net)}, but its settings "
                              f"say {settings['activation']}: start a new run")
    if checkpoint.optimizer_state.get("name") != settings["optimizer"]:
        raise CheckpointError(f"the saved optimizer state is not {settings['optimizer']}'s: start a new run")
    if len(checkpoint.history) >= settings["epochs"]:
        raise CheckpointError(f"the run has already done {len(checkpoint.history)} epochs of --epochs "
                              f"{settings['epochs']}: give a larger --epochs to train it further")
    optimizer = make_optimizer(settings)
    load_state(optimizer, checkpoint.optimizer_state)
    return checkpoint.net, optimizer, checkpoint.rng, checkpoint.history


def run_record(args, argv, checkpoint, settings, model_path):
    """The run's record in --runs-dir (network/run_records.py), not yet written: a resumed run carries
    on its own, unless it is gone or --name gives the run another name; other runs start one."""
    saved = checkpoint.net.metadata.get("run_record") if checkpoint else None
    record = RunRecord.carry_on(saved, settings) if saved else None
    if record is None or args.name not in (None, record.name):
        record = RunRecord.start(args.runs_dir, args.name or default_name(model_path), argv, settings, model_path)
    return record


# ---------------------------------------------------------------------- training

def train(net, trainee, optimizer, rng, history, settings, train_set, test_set, model_path, record, quiet,
          live=None, health=None):
    """Train from epoch len(history) + 1 to settings["epochs"], testing and saving after each.

    history gets one dict per epoch. The learning rate of each epoch comes from the
    schedule, which depends on the total number of epochs: resuming with a larger
    --epochs changes the learning rates of the epochs still to come. live, with --live,
    is the show.live.LiveTraining the page watches: told of each epoch and mini-batch, it
    holds training between two updates while the page has it paused; health, if any, the
    network/layer_health.py listener that looks at each layer now and then. trainee and
    optimizer are what train_epoch trains and steps: the network, seen through dropout's
    masks with --dropout, or the workers with --workers (network/parallel/); the test after
    each epoch asks trainee for the probabilities, which the workers share out too. Returns
    the last test's per-image answers (predicted, confidence; see network.evaluate).
    """
    epochs = settings["epochs"]
    schedule = SCHEDULES[settings["schedule"]]
    watch = diagnosis.Watch(train_set, settings["batch_size"], activation_of(net))
    images = Shifted(train_set, settings["augment"]) if settings["augment"] else train_set
    for epoch in range(len(history) + 1, epochs + 1):
        lr = schedule(settings["lr"], epoch - 1, epochs)
        if live:
            live.epoch_begins(epoch, lr)
        began = time.perf_counter()
        listeners = [watch.after_batch] + [each.after_batch for each in (health, live) if each]
        train_loss, train_accuracy = train_one_epoch(trainee, optimizer, rng, images, settings, lr, epoch, quiet,
                                                     listeners)
        watch.end_of_epoch()
        test_loss, test_accuracy, predicted, confidence = evaluate(trainee, test_set)  # with --workers, on all of them
        result = {"epoch": epoch, "lr": lr, "train_loss": train_loss, "train_accuracy": train_accuracy,
                  "test_loss": test_loss, "test_accuracy": test_accuracy,
                  "seconds": round(time.perf_counter() - began, 1)}
        found, news = watch.after_epoch(history, result, net)
        result["diagnoses"] = found
        with interrupts_held():  # history and the files on disk must agree if Ctrl-C comes now
            history.append(result)
            save_checkpoint(model_path, net, metadata(settings, train_set, result, record), optimizer, rng, settings,
                            history)
        record.update(history)
        text.say(text.epoch_line(result, epochs))
        if not quiet:
            text.say(*text.diagnoses(news))
        if live:
            live.epoch_ended(result, predicted, confidence)
    if live:
        live.finish()
    return predicted, confidence


def train_one_epoch(trainee, optimizer, rng, images, settings, lr, epoch, quiet, listeners):
    """One epoch of train_epoch, with the progress line (unless quiet): (train loss, train accuracy)."""
    progress = None if quiet else text.Progress(epoch, settings["epochs"], len(images))
    try:
        return train_epoch(trainee, optimizer, images, settings["batch_size"], rng, lr, epoch,
                           on_batch=listeners + ([progress] if progress else []))
    finally:
        if progress:
            progress.close()


def metadata(settings, train_set, result, record):
    """What the model file records about how it was made (save_checkpoint adds the epochs)."""
    return {"dataset": train_set.dataset, "class_names": list(train_set.class_names),
            "image_shape": list(train_set.image_shape), "train_images": len(train_set),
            "test_loss": result["test_loss"], "test_accuracy": result["test_accuracy"], "settings": settings,
            "run_record": record.path}


if __name__ == "__main__":
    sys.exit(quiet_when_the_reader_goes(main))
