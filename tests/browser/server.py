"""The HTTP server the browser tests talk to: the standard library's WSGI server, one thread a request.

Not Werkzeug's development server: after writing a response it reads what is left on the socket
before closing the response, and when the browser has reset the connection (it cancels requests
when a page navigates on) that read raises and the response is never closed, so a static file
(reports.css) stays open until garbage collection warns about it. ``wsgiref`` closes the
response on every path, including a dropped connection.
"""

from __future__ import annotations

import socketserver
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer


class QuietHandler(WSGIRequestHandler):
    """No access log on stderr: the tests say what failed."""

    def log_message(self, format, *args) -> None:  # noqa: A002 (the standard library's name)
        pass


class ThreadedWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    """A thread per request; ``server_close`` waits for the requests still running."""

    daemon_threads = False
    block_on_close = True


def make_server(app, host: str = "127.0.0.1", port: int = 0) -> ThreadedWSGIServer:
    """Serve ``app`` on ``host:port`` (0: a free port); call ``serve_forever`` in a thread."""
    server = ThreadedWSGIServer((host, port), QuietHandler)
    server.set_app(app)
    return server
