"""The REST API's HTTP/1.1 transport: uvicorn's h11 protocol with TCP_NODELAY and a header timeout."""

from __future__ import annotations

import socket

#: Most bytes of a request line plus headers (h11's own default).
MAX_HEADER_BYTES = 16 * 1024
_TIMEOUT_ANSWER = (b"HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain\r\n"
                   b"Connection: close\r\nContent-Length: %d\r\n\r\n%s")


def bind(host, port):
    """A listening TCP socket on ``host:port`` whose accepted connections get TCP_NODELAY.

    asyncio turns Nagle's algorithm off only on sockets created with protocol
    ``IPPROTO_TCP``; with protocol 0 every keep-alive response waited for the
    client's delayed ACK (about 40 ms) between its headers and its body.

    Raises:
        OSError: the address cannot be bound.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise OSError(f"cannot bind REST to {host}:{port}: {error.strerror or error}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def protocol_class(header_timeout):
    """uvicorn's h11 protocol, closing connections that take over ``header_timeout`` s to send headers.

    uvicorn's own keep-alive timer stops at a connection's first byte, so a
    client sending a header line now and then (or nothing at all after
    connecting) would hold the connection forever.
    """
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class TimedH11Protocol(H11Protocol):
        """H11Protocol with TCP_NODELAY and a deadline for each request's headers."""

        _header_timer = None

        def connection_made(self, transport):
            sock = transport.get_extra_info("socket")
            if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            super().connection_made(transport)
            self._arm_header_timer()

        def data_received(self, data):
            if self._header_timer is None and self.conn.their_state is h11.IDLE:
                self._arm_header_timer()  # first byte of the next request
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE:
                self._cancel_header_timer()

        def connection_lost(self, exc):
            self._cancel_header_timer()
            super().connection_lost(exc)

        def _arm_header_timer(self):
            self._cancel_header_timer()
            self._header_timer = self.loop.call_later(header_timeout, self._headers_timed_out)

        def _cancel_header_timer(self):
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _headers_timed_out(self):
            self._header_timer = None
            if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
                return
            if self.cycle is None or self.cycle.response_complete:
                text = (f"request headers not received within {header_timeout:g} s "
                        "(--header-timeout-seconds)").encode()
                self.transport.write(_TIMEOUT_ANSWER % (len(text), text))
            self.transport.close()

    return TimedH11Protocol


def uvicorn_server(app, limits):
    """A ``uvicorn.Server`` for the ASGI ``app`` with the connection timeouts of ``limits``."""
    import uvicorn

    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off",
        http=protocol_class(limits.header_timeout_seconds),
        timeout_keep_alive=limits.idle_timeout_seconds,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
    )
    return uvicorn.Server(config)
