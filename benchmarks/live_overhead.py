"""Does the live page slow training down? Images per second with --live and a page open, against without.

    python benchmarks/live_overhead.py [--rounds 5] [--limit 15000] [--client chromium|python]

Each round trains the same short run twice, one after the other (in turns: which goes
first alternates from round to round, so a machine that grows busier slows both alike):

  without --live   python train.py --limit 15000 --test-limit 500 --epochs 2 --no-plots
  with --live      the same with --live --paused; the page is opened in headless Chromium,
                   and training resumed (POST /api/training/resume) once the page shows
                   its pictures, so the page is open for the whole of the run.

The speed of a run is its second epoch's: --limit images divided by the time between the
lines train.py prints after epoch 1 and after epoch 2 (the epoch's training, its test on
500 images and its checkpoint, alike in both runs), when the page has long been loaded
and is doing all it does: messages twice a second, the weight pictures and the test
digits every few seconds, their JSON and the page's drawing. The figure is the median of
the rounds' ratios, with their spread. Target: at least 90 %.

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


def epoch_2_seconds(wait_for_line):
    """The seconds between the lines after epoch 1 and after epoch 2, as wait_for_line(test) sees them come."""
    wait_for_line(lambda line: line.startswith("epoch 1/2 "))
    began = time.perf_counter()
    wait_for_line(lambda line: line.startswith("epoch 2/2 "))
    return time.perf_counter() - began


def without_live(limit):
    """Seconds of epoch 2 of the plain run."""
    with tempfile.TemporaryDirectory() as folder:
        process = subprocess.Popen([sys.executable, TRAIN, *run_args(limit)], cwd=folder, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True)
        lines = iter(process.stdout)

        def wait_for_line(test):
            return next(line for line in lines if test(line))

        seconds = epoch_2_seconds(wait_for_line)
        process.communicate()
        return seconds


def with_live(limit, client):
    """Seconds of epoch 2 of the run with --live, with a page open from before its first update."""
    with tempfile.TemporaryDirectory() as folder, LiveRun(*run_args(limit), "--paused", cwd=folder) as run:
        stop = open_page(run, client)
        try:
            run.post("/api/training/resume")
            seconds = epoch_2_seconds(lambda test: run.wait_for_line(test, timeout=3600))
        finally:
            stop()
        run.wait_for_line(lambda line: "live page stays up" in line)
        return seconds


def open_page(run, client):
    """Open the page (headless Chromium, or the stand-in below) and wait until it shows its pictures;
    returns the function that closes it."""
    if client == "chromium":
        from tests.test_browser import Chromium

        browser = Chromium(run.url)
        browser.wait_for("document.querySelectorAll('.tile').length > 0 && document.querySelectorAll('.digit').length > 0",
                         timeout=60)
        return browser.close
    return page_stand_in(run)


def page_stand_in(run):
    """A client that asks what the page asks: the event stream, and every 4 s the weight
    pictures, the test digits and one unit's sum. Returns the function that stops it."""
    from tests.test_live import stream_messages

    stopping = threading.Event()
    messages = []

    def pictures():
        while not stopping.is_set():
            run.get("/api/weights")
            run.get("/api/training/digits")
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

    plain, live = [], []
    for round_number in range(args.rounds):
        runs = [(plain, lambda: without_live(args.limit)), (live, lambda: with_live(args.limit, args.client))]
        for times, work in (runs if round_number % 2 == 0 else runs[::-1]):
            times.append(work())
        print(f"  round {round_number + 1}: without {args.limit / plain[-1]:,.0f} images/s, "
              f"with --live {args.limit / live[-1]:,.0f} images/s", flush=True)

    ratios = [p / l for p, l in zip(plain, live)]  # speed with / speed without = time without / time with
    print(f"\n{platform.python_implementation().lower()} {platform.python_version()}, "
          f"train.py --limit {args.limit} --test-limit 500 --epochs 2, the second epoch; a page in {args.client}; "
          f"{args.rounds} rounds\n")
    for name, times in (("without --live", plain), ("--live, a page open", live)):
        speeds = sorted(args.limit / t for t in times)
        print(f"  {name:<20} {statistics.median(speeds):7,.0f} images/s  (from {speeds[0]:,.0f} to {speeds[-1]:,.0f})")
    ratio = statistics.median(ratios)
    print(f"\nWith --live and a page open, training goes at {ratio:.1%} of its speed without "
          f"(per round, from {min(ratios):.1%} to {max(ratios):.1%}); target at least {TARGET:.0%}: "
          f"{'met' if ratio >= TARGET else 'MISSED'}.")
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
