"""The browser tests' server closes every response, even when the client resets the connection."""

from __future__ import annotations

import socket
import struct
import threading

from .server import make_server


class Body:
    """A response body that counts how often it is closed (as a static file's wrapper would be)."""

    closed = 0
    lock = threading.Lock()

    def __iter__(self):
        yield b"x" * 2048

    def close(self) -> None:
        with Body.lock:
            Body.closed += 1


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/css")])
    return Body()


def test_responses_are_closed_when_the_client_resets():
    Body.closed = 0
    server = make_server(app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    for _ in range(20):
        client = socket.create_connection(("127.0.0.1", server.server_port))
        client.sendall(b"GET /static/css/reports.css HTTP/1.1\r\nHost: test\r\n\r\n")
        client.recv(10)
        # Close with a reset, as a browser does when it cancels a request mid-response.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()
    server.shutdown()
    thread.join()
    server.server_close()
    assert Body.closed == 20
