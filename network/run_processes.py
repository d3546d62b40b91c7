"""Whether the process that writes a run record is still running.

A record says "running" from its first write until train.py writes how the run ended. A
run killed outright (kill -9, the machine switched off) never writes that, so the record
names its process: the machine (host), the process id (pid) and, on Linux, the moment
the process started (the boot's id and the start time in clock ticks, from /proc). The
pid alone is not enough: once a process has gone, the system may give its number to a
new one, and the start time tells the two apart. A process on another machine cannot
be checked from this one; nor can one on Windows, where a pid cannot be asked about
without killing it (os.kill), nor an older record that does not name its process.
"""

import os
import socket


def this_process():
    """This process as a record names it: {"host": ..., "pid": ..., "started": ...} (started None off Linux)."""
    return {"host": socket.gethostname(), "pid": os.getpid(), "started": start_of(os.getpid())}


def start_of(pid):
    """When the process pid started, as "BOOT-ID/TICKS" (Linux's /proc); None where that cannot be read."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as f:
            boot = f.read().strip()
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as f:
            stat = f.read()
    except OSError:
        return None
    # The fields after the command's name, which is in parentheses and may hold spaces; the
    # start time is field 22 of the whole line, the 20th after the name.
    fields = stat.rsplit(")", 1)[-1].split()
    return f"{boot}/{fields[19]}" if len(fields) > 19 else None


def still_running(process):
    """(True, False or None, why): whether the process a record names is running, None if that cannot be known."""
    if not isinstance(process, dict) or not isinstance(process.get("pid"), int) or process["pid"] <= 0:
        return None, "the record does not say which process wrote it"
    if process.get("host") != socket.gethostname():
        return None, f"it ran on another machine, {process.get('host')}, which cannot be checked from here"
    if os.name == "nt":
        return None, "on Windows, this program cannot ask whether a process is running"
    try:
        os.kill(process["pid"], 0)  # signal 0: no signal, only the question whether the process exists
    except ProcessLookupError:
        return False, f"its process, pid {process['pid']}, has gone"
    except PermissionError:
        pass  # it exists, owned by someone else
    started = process.get("started")
    if started is not None and start_of(process["pid"]) != started:
        return False, f"its process, pid {process['pid']}, has gone (that pid is another process's now)"
    return True, f"its process, pid {process['pid']}, is running"
