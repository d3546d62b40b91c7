"""Downloading a data set with the standard library: mirrors in turn, progress, checksums.

Each file goes first into a temporary file in the target folder and takes its real name
(os.replace, atomic) only once its checksum is right: an interrupted or bad download
never leaves a file that looks like a good one, and never damages the file it replaces.
"""

import http.client
import os
import sys
import tempfile
import urllib.request

from .catalog import PARTS, lookup
from .checksums import check_checksum
from .errors import DataError
from .idx import read_idx
from .locations import Location

CHUNK = 64 * 1024


def download(folder, dataset="mnist", mirrors=None, timeout=30, out=None):
    """Fetch each file of dataset that is missing or damaged in folder; return the names fetched.

    mirrors: base URLs tried in order for each file (default: the data set's known
    mirrors); timeout: seconds to wait for a server; out: where progress is written
    (default: sys.stderr).
    Raises DataError, naming the file and each mirror's failure, when no mirror gives a
    good copy.
    """
    info = lookup(dataset)
    mirrors = info.mirrors if mirrors is None else mirrors
    out = out or sys.stderr
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as error:
        raise DataError(f"{folder}: cannot download into it ({error.strerror or error})") from None
    here = Location(folder, "download target")
    fetched = []
    for part in PARTS:
        try:
            here.read(part, info)
            continue  # already here and intact
        except DataError as problem:
            print(f"{problem}: downloading it", file=out)
        name = part.file + ".gz"
        _fetch(name, part, info, folder, mirrors, timeout, out)
        fetched.append(name)
    return fetched


def _fetch(name, part, info, folder, mirrors, timeout, out):
    """Download name from the first mirror that serves a good copy into folder."""
    failures = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + name
        handle, temporary = tempfile.mkstemp(prefix=name + ".", suffix=".part", dir=folder)
        try:
            with os.fdopen(handle, "wb") as f:
                _copy(url, f, timeout, out)
            check_checksum(read_idx(temporary, part.magic, name=url), info, part, url)
            os.replace(temporary, os.path.join(folder, name))
            return
        except (OSError, http.client.HTTPException, ValueError) as error:  # DataError is a ValueError
            print(f"  failed: {error}", file=out)
            failures.append(f"{url}: {error}")
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)
    raise DataError(f"{os.path.join(folder, name)}: no mirror gave a good copy ({'; '.join(failures) or 'no mirrors'}); "
                    "check the network connection, or pass other mirrors")


def _copy(url, f, timeout, out):
    """Write what url serves into the open file f, showing progress on out."""
    print(f"  {url}", file=out)
    with urllib.request.urlopen(url, timeout=timeout) as response:
        total = int(response.headers.get("Content-Length") or 0)
        done = shown = 0
        while True:
            chunk = response.read(CHUNK)
            if not chunk:
                break
            f.write(chunk)
            done += len(chunk)
            if total and done * 10 // total > shown:  # a line per tenth, readable in a log too
                shown = done * 10 // total
                print(f"  {done / 1e6:5.1f} of {total / 1e6:.1f} MB ({shown * 10}%)", file=out)
    if total and done < total:
        raise DataError(f"{url}: the server sent {done} of {total} bytes")
