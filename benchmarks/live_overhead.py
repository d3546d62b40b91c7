"""Does the live page slow training down? Images per second with --live and a page open, against without.

    python benchmarks/live_overhead.py [--rounds 5] [--limit 15000] [--client chromium|python]

Each round trains the same short run twice, one after the other (in turns: which goes
first alternates from round to round, so a machine that grows busier slows both alike):

  without --live   python train.py --limit 15000 --test-limit 500 --epochs 2 --no-plots
  with --live      the same with --live --paused; the page is opened in headless Chromium,
                   a unit clicked (its sum, forward and backward, is then asked for with
                   the pictures), and training resumed (POST /api/training/resume) once the
                   page shows its pictures, so the page is open for the whole of the run.

The speed of a run is its second epoch's: --limit images divided by the time between the
lines train.py prints after epoch 1 and after epoch 2 (the epoch's training, its test on
500 images and its checkpoint, alike in both runs), when the page has long been loaded
and is doing all it does: messages twice a second, the weight pictures and the test
digits, the clicked unit's sum and the layers' health every few seconds, their JSON and the
page's drawing; and, in the training thread, the layers' health looked at now and then
(network/layer_health.py, for the page). The figure is the median of
the rounds' ratios, with their spread. Target: at least 90 %.

On a machine that other programs keep busy, a single pair of runs can differ by a
third either way, whatever the page does. So the script also counts, over the same
epoch, from /proc (Linux), the processor time of train.py's training thread (with and
without --live: what --live adds there), of its other threads (with --live: the
server's) and of the browser: the work the page adds, whatever else the machine is doing.

--client python (the default without Chromium) stands in for the browser with a client
in this process that asks for what the page asks for, as often.
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from tests.live_run import TRAIN, LiveRun  # noqa: E402

TARGET = 0.90


def run_args(limit):
    return ["--limit", str(limit), "--test-limit", "500", "--epochs", "2", "--no-plots", "--out", "run.json"]


def cpu_seconds(stat_files):
    """The processor time (user and system) in seconds that the /proc stat files count so far; None without /proc."""
    total = 0.0
    for path in stat_files:
        try:
            with open(path) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def process_tree(pid):
    """pid and all its descendants (Chromium is several processes), from /proc."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            children = [int(child) for child in f.read().split()]
    except OSError:
        return [pid]
    return [pid] + [each for child in children for each in process_tree(child)]


def epoch_2(wait_for_line, train_pid, browser_pid=None):
    """Epoch 2, between the lines train.py prints after epoch 1 and after epoch 2 (as wait_for_line(test)
    sees them come): {"seconds", and the processor seconds of "training" (train.py's main thread),
    "others" (its other threads: the server's) and "browser"}."""
    wait_for_line(lambda line: line.startswith("epoch 1/2 "))
    files = {"process": [f"/proc/{train_pid}/stat"], "training": [f"/proc/{train_pid}/task/{train_pid}/stat"],
             "browser": [f"/proc/{pid}/stat" for pid in process_tree(browser_pid)] if browser_pid else []}
    began, before = time.perf_counter(), {name: cpu_seconds(paths) for name, paths in files.items()}
    wait_for_line(lambda line: line.startswith("epoch 2/2 "))
    seconds, after = time.perf_counter() - began, {name: cpu_seconds(paths) for name, paths in files.items()}
    used = {name: None if before[name] is None or after[name] is None else after[name] - before[name] for name in files}
    others = None if used["process"] is None else used["process"] - used["training"]
    return {"seconds": seconds, "training": used["training"], "others": others, "browser": used["browser"]}


def without_live(limit, client):
    """Epoch 2 of the plain run."""
    with tempfile.TemporaryDirectory() as folder:
        process = subprocess.Popen([sys.executable, TRAIN, *run_args(limit)], cwd=folder, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True)
        lines = iter(process.stdout)

        def wait_for_line(test):
            return next(line for line in lines if test(line))

        measured = epoch_2(wait_for_line, process.pid)
        process.communicate()
        return measured


def with_live(limit, client):
    """Epoch 2 of the run with --live, with a page open from before its first update."""
    with tempfile.TemporaryDirectory() as folder, LiveRun(*run_args(limit), "--paused", cwd=folder) as run:
        browser_pid, stop = open_page(run, client)
        try:
            run.post("/api/training/resume")
            measured = epoch_2(lambda test: run.wait_for_line(test, timeout=3600), run.process.pid, browser_pid)
        finally:
            stop()
        run.wait_for_line(lambda line: "live page stays up" in line)
        return measured


def open_page(run, client):
    """Open the page (headless Chromium, or the stand-in below) and wait until it shows its pictures;
    returns (the browser's process id or None, the function that closes the page)."""
    if client == "chromium":
        from tests.test_browser import Chromium

        browser = Chromium(run.url)
        browser.wait_for("document.querySelectorAll('.tile').length > 0 && document.querySelectorAll('.digit').length > 0",
                         timeout=60)
        browser.evaluate("document.querySelector('.tile:nth-child(4)').click()")  # as a learner looks inside a unit
        browser.wait_for("document.querySelector('#unit .terms') !== null", timeout=60)
        return browser.process.pid, browser.close
    return None, page_stand_in(run)


def page_stand_in(run):
    """A client that asks what the page asks: the event stream, and every 4 s the weight
    pictures, the test digits, the layers' health (when the server has them) and one unit's sum.
    Returns the function that stops it."""
    from tests.test_live import stream_messages

    stopping = threading.Event()
    messages = []

    def pictures():
        while not stopping.is_set():
            run.get("/api/weights")
            run.get("/api/training/digits")
            run.request("GET", "/api/training/layers")  # (a 404 from a server without it)
            run.post("/api/predict", {"pixels": [0] * 400 + [255] * 20 + [0] * 364, "unit": 0})
            stopping.wait(4)

    threads = [threading.Thread(target=stream_messages, args=(run.port, messages, lambda m: stopping.is_set()),
                                daemon=True),
               threading.Thread(target=pictures, daemon=True)]
    for thread in threads:
        thread.start()
    return stopping.set


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="pairs of runs (default 5)")
    parser.add_argument("--limit", type=int, default=15000, help="training images of each run (default 15000)")
    parser.add_argument("--client", choices=["chromium", "python"],
                        default="chromium" if shutil.which("chromium") else "python",
                        help="what opens the page (default chromium, headless, when installed)")
    args = parser.parse_args()

    results = {"without": [], "with": []}  # epoch_2's measurements of each run
    for round_number in range(args.rounds):
        order = ["without", "with"] if round_number % 2 == 0 else ["with", "without"]
        for name in order:
            results[name].append((without_live if name == "without" else with_live)(args.limit, args.client))
        print(f"  round {round_number + 1}: without {args.limit / results['without'][-1]['seconds']:,.0f} images/s, "
              f"with --live {args.limit / results['with'][-1]['seconds']:,.0f} images/s", flush=True)
    return report(args, results)


def report(args, results):
    """Print the speeds, their ratio and where the processor time went; the exit status (1: target missed)."""
    ratios = [p["seconds"] / l["seconds"] for p, l in zip(results["without"], results["with"])]  # speed with / without
    print(f"\n{platform.python_implementation().lower()} {platform.python_version()}, "
          f"train.py --limit {args.limit} --test-limit 500 --epochs 2, the second epoch; a page in {args.client}; "
          f"{args.rounds} rounds\n")
    for name, label in (("without", "without --live"), ("with", "--live, a page open")):
        speeds = sorted(args.limit / run["seconds"] for run in results[name])
        print(f"  {label:<20} {statistics.median(speeds):7,.0f} images/s  (from {speeds[0]:,.0f} to {speeds[-1]:,.0f})")
    ratio = statistics.median(ratios)
    print(f"\nWith --live and a page open, training goes at {ratio:.1%} of its speed without "
          f"(per round, from {min(ratios):.1%} to {max(ratios):.1%}); target at least {TARGET:.0%}: "
          f"{'met' if ratio >= TARGET else 'MISSED'}.")
    live = results["with"]
    if all(run["training"] is not None for runs in results.values() for run in runs):
        # The work --live adds in the training thread itself (the view of every update, the layers' health
        # now and then), as processor time, which other programs on the machine do not lengthen.
        per_image = {name: sorted(1000 * run["training"] / args.limit for run in runs) for name, runs in results.items()}
        without, with_ = (statistics.median(per_image[name]) for name in ("without", "with"))
        print(f"Processor time of train.py's training thread per 1,000 images: without --live {without:.2f} s "
              f"(from {per_image['without'][0]:.2f} to {per_image['without'][-1]:.2f}), with {with_:.2f} s "
              f"(from {per_image['with'][0]:.2f} to {per_image['with'][-1]:.2f}): {with_ / without - 1:+.1%}.")
    if all(run["others"] is not None for run in live):
        server = [run["others"] / run["training"] for run in live]
        print(f"Processor time of train.py's server threads, for each second of its training thread's: "
              f"{statistics.median(server):.1%} (from {min(server):.1%} to {max(server):.1%}).")
    if all(run["browser"] for run in live):
        browser = [run["browser"] / run["seconds"] for run in live]
        print(f"The browser showing the page: {statistics.median(browser):.1%} of one processor "
              f"(from {min(browser):.1%} to {max(browser):.1%}).")
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
