"""Which requests the page servers answer: their own page's, not any web page's in the browser.

A server on 127.0.0.1 can be reached by every page the learner's browser opens, from
anywhere on the web. Two ways in, and the header that closes each (Jupyter and webpack's
dev server check the same two):

- DNS rebinding. A site can make its own name resolve to 127.0.0.1; its page then
  reads this server's answers as if they were its own. The browser sends that name in
  the Host header, so a server listening on a loopback address answers only a Host that
  names localhost or a loopback address (127.x.x.x, ::1), with the server's port or none.
- Cross-site requests. Any page may POST to http://127.0.0.1:8000/api/training/pause: a
  simple request needs no permission, only its answer stays hidden. The browser names
  the page that sent it in the Origin header, so a POST whose Origin is present is
  answered only when it is the page's own: the address the request itself went to.

A server listening elsewhere (--host 0.0.0.0, for a classroom) is reached by names and
addresses of the machine that it cannot list for sure (its host name, names in the local
DNS, every address of every network, a forwarded port), so it accepts any Host: whoever
can reach it is meant to, as the warning at start says. The Origin check holds there too.

A request without Host (HTTP/1.0 allows it; no browser sends one) is answered: it cannot
come from a page.
"""

import ipaddress
from urllib.parse import urlsplit


def is_loopback(host):
    """True when host is an address of this machine only (127.x.x.x, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to any address
        return False


def not_its_own_page(method, headers, listening_on):
    """Why a request must be refused (403), in one sentence; None when it is the server's own page's.

    method is the request's (GET, POST), headers its headers, listening_on the server's
    (address, port, ...).
    """
    address, port = listening_on[:2]
    host = headers.get("Host")
    if host is not None and is_loopback(address) and not _names_this_server(host, port):
        return (f"this server answers only pages opened at localhost:{port} or 127.0.0.1:{port}, "
                f"not at {host}")
    origin = headers.get("Origin")
    if method == "POST" and origin is not None and not _same_place(origin, host):
        return f"a page from {origin} may not send requests to this server: only its own page may"
    return None


def _names_this_server(host, port):
    """Whether a Host header names localhost or a loopback address, and port or no port."""
    name, host_port = _host_and_port(host)
    return name is not None and is_loopback(name) and host_port in (None, port)


def _same_place(origin, host):
    """Whether an Origin (http://name:port) is the address in the Host header the request came with."""
    if host is None or not origin.startswith("http://"):  # "null", https: not a page of this server
        return False
    place = _host_and_port(host)
    return place != (None, None) and _host_and_port(origin[len("http://"):]) == place


def _host_and_port(text):
    """(name, port) of "name:port", "name", "[::1]:8000"...: the name lower-case, the port None if
    not given; (None, None) when text is not just a host and a port (a path, user@, a bad port)."""
    if any(mark in text for mark in "/?#@\\ ") or not text:
        return None, None
    parts = urlsplit("//" + text)
    try:
        return parts.hostname, parts.port
    except ValueError:  # a port that is not a number from 0 to 65535
        return None, None
