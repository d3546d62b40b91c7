"""One HTTP request to a server of the tests, as it is: no redirects followed, no errors raised."""

import http.client


def request(host, port, method, path, body=None, headers=None, timeout=30):
    """(status, headers, body bytes) of one request, the path sent exactly as given."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()
