"""train.py --live in a subprocess, and its page's API over HTTP: for tests/test_live.py,
tests/test_browser.py and benchmarks/live_overhead.py.

    with LiveRun("--limit", "640", "--paused", cwd=folder) as run:
        run.control("step")
        run.wait_for(lambda state: state["state"] == "finished")
    run.returncode, run.out, run.err

Its output is read by threads as it comes, so that the run never waits for a full pipe
and a test can wait for a line (wait_for_line). Leaving the with block sends Ctrl-C, if
the run is still going, and waits for it to end.
"""

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time

from tests.http_client import request
from tests.interrupt import start_interruptible

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAIN = os.path.join(ROOT, "train.py")
START_TIMEOUT = 60  # seconds train.py may take to load the data and print the page's address
STOP_TIMEOUT = 15  # seconds it may take to end after Ctrl-C


class LiveRun:
    """python train.py --live --port 0 *args, started in the folder cwd."""

    def __init__(self, *args, cwd, python=sys.executable):
        self.process = start_interruptible([python, TRAIN, "--live", "--port", "0", *args], cwd=cwd,
                                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = queue.Queue()  # stdout's lines as they come; None at the end
        self.out_lines, self.err_lines = [], []
        self.readers = [threading.Thread(target=self._read, args=(self.process.stdout, self.out_lines, self.lines)),
                        threading.Thread(target=self._read, args=(self.process.stderr, self.err_lines, None))]
        for reader in self.readers:
            reader.start()
        try:
            line = self.wait_for_line(lambda text: "Live page: http://" in text, START_TIMEOUT)
        except AssertionError:
            self.stop()
            raise AssertionError(f"train.py --live did not print its page's address:\n{self.out}\n{self.err}") from None
        self.url = re.search(r"http://\S+/", line).group(0)
        self.port = int(self.url.rsplit(":", 1)[1].rstrip("/"))

    @staticmethod
    def _read(stream, lines, copy_to):
        for line in stream:
            lines.append(line)
            if copy_to:
                copy_to.put(line)
        if copy_to:
            copy_to.put(None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    @property
    def out(self):
        return "".join(self.out_lines)

    @property
    def err(self):
        return "".join(self.err_lines)

    @property
    def returncode(self):
        return self.process.returncode

    def wait_for_line(self, wanted, timeout=30):
        """The first line of stdout from now on for which wanted(line) is true."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                raise AssertionError(f"no such line within {timeout} s, or the output ended")
            if wanted(line):
                return line

    def request(self, method, path, body=None, headers=None):
        """(status, headers, body bytes) of one request to the page's server."""
        return request("127.0.0.1", self.port, method, path, body, headers)

    def get(self, path):
        """(status, JSON answer) of GET path."""
        status, _, body = self.request("GET", path)
        return status, json.loads(body)

    def post(self, path, payload=None):
        """(status, JSON answer) of POST path with payload (a dict) as JSON, or no body."""
        body = b"" if payload is None else json.dumps(payload).encode("utf-8")
        status, _, answer = self.request("POST", path, body, {"Content-Type": "application/json"})
        return status, json.loads(answer)

    def control(self, name):
        """POST /api/training/<name> (pause, resume or step) where it must be answered 200: the new state."""
        status, state = self.post(f"/api/training/{name}")
        assert status == 200, state
        return state

    def state(self):
        status, state = self.get("/api/training")
        assert status == 200, state
        return state

    def wait_for(self, condition, timeout=60):
        """Poll GET /api/training until condition(state) holds; that state."""
        deadline = time.monotonic() + timeout
        while True:
            state = self.state()
            if condition(state):
                return state
            if time.monotonic() > deadline:
                raise AssertionError(f"still not there after {timeout} s: {state['state']}, "
                                     f"epoch {state['epoch']}, batch {state['batch']}")
            time.sleep(0.05)

    def ctrl_c(self):
        """Send Ctrl-C (SIGINT) and wait for the run to end; its exit status."""
        self.process.send_signal(signal.SIGINT)
        return self.wait()

    def wait(self, timeout=STOP_TIMEOUT):
        """Wait for the run to end by itself and its output to be read; its exit status."""
        try:
            self.process.wait(timeout)
        finally:
            if self.process.returncode is None:
                self.process.kill()
                self.process.wait()
            for reader in self.readers:
                reader.join(timeout)
        return self.process.returncode

    def stop(self):
        """Ctrl-C if still running (a kill if that does not end it); nothing if it has ended."""
        if self.process.poll() is None:
            self.ctrl_c()
        else:
            self.wait()
