"""Fetching zoo weights: url forms, mirror, cache verification and every failure mode.

A loopback ``http.server`` in a thread serves good, wrong, truncated and
failing responses; "no network" is a closed port. After every failure the
cache folder must hold no file at all.
"""

import hashlib
import http.server
import os
import random
import socket
import threading
import time
from typing import ClassVar

import pytest

from kerasgan.zoo import download as fetch
from kerasgan.zoo.weights import WeightsError

PAYLOAD = random.Random(0).randbytes(40_000)  # fixed: test ids must match across xdist workers
SHA = hashlib.sha256(PAYLOAD).hexdigest()
FILE = "w.weights.h5"


#: What the "endless" handler would send at most: far more than any client should read.
ENDLESS_BYTES = 256 << 20


class _Handler(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list] = []  # paths asked for, in order
    streamed: ClassVar[list] = []  # bytes the "endless" handler got out before the client left

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        kind = self.path.strip("/").split("/")[0]
        _Handler.requests.append(self.path)
        if kind in ("404", "500"):
            self.send_error(int(kind))
            return
        if kind in ("endless", "huge"):
            self._stream(announce=kind == "huge")
            return
        if kind == "slow":
            time.sleep(2)
        body = PAYLOAD
        if kind == "wrong":
            body = bytes(len(PAYLOAD))
        self.send_response(200)
        self.send_header("Content-Length", str(len(PAYLOAD)))
        self.end_headers()
        if kind == "truncated":  # Content-Length says more than the body holds
            body = PAYLOAD[: len(PAYLOAD) // 2]
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            pass


    def _stream(self, announce):
        """Zeros up to :data:`ENDLESS_BYTES` (announced as 10 GB, or not announced at all)."""
        self.send_response(200)
        if announce:
            self.send_header("Content-Length", str(10 << 30))
        self.send_header("Connection", "close")
        self.end_headers()
        block, sent = bytes(1 << 16), 0
        try:
            while sent < ENDLESS_BYTES:
                self.wfile.write(block)
                sent += len(block)
        except (BrokenPipeError, ConnectionResetError):
            pass
        _Handler.streamed.append(sent)


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERASGAN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KERASGAN_WEIGHTS_URL", raising=False)
    return tmp_path / "home"


def _cache_files(home):
    folder = home / "weights"
    return sorted(os.listdir(folder)) if folder.exists() else []


def _fetch(url, base_dir="/nonexistent", **kwargs):
    return fetch.fetch_weights("demo", url, SHA, len(PAYLOAD), str(base_dir), **kwargs)


def _closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def _check(path, home):
    assert path == str(home / "weights" / f"demo-{SHA[:12]}.weights.h5")
    with open(path, "rb") as handle:
        assert handle.read() == PAYLOAD
    assert _cache_files(home) == [os.path.basename(path)]


def test_http_download_then_cache_hit_is_reverified(server, home):
    path = _fetch(f"{server}/good/{FILE}")
    _check(path, home)
    before = len(_Handler.requests)
    assert _fetch(f"{server}/good/{FILE}") == path
    assert len(_Handler.requests) == before  # served from the cache
    with open(path, "r+b") as handle:  # corrupt the cached copy, same size
        handle.write(b"\0" * 16)
    assert _fetch(f"{server}/good/{FILE}") == path
    assert len(_Handler.requests) == before + 1  # re-downloaded after the hash check
    _check(path, home)


def test_file_and_relative_urls(tmp_path, home):
    source = tmp_path / "published"
    source.mkdir()
    (source / FILE).write_bytes(PAYLOAD)
    _check(_fetch((source / FILE).as_uri()), home)
    os.remove(fetch.cache_path("demo", SHA))
    _check(_fetch(f"published/{FILE}", base_dir=tmp_path), home)


def test_mirror_replaces_directory_of_http_and_relative_urls(server, home, monkeypatch, tmp_path):
    monkeypatch.setenv("KERASGAN_WEIGHTS_URL", f"{server}/good/")
    assert fetch.resolve_url(f"https://example.invalid/x/y/{FILE}", "/b") == f"{server}/good/{FILE}"
    assert fetch.resolve_url(f"weights/{FILE}", "/b") == f"{server}/good/{FILE}"
    assert fetch.resolve_url(f"file:///abs/{FILE}", "/b") == f"file:///abs/{FILE}"
    _check(_fetch(f"https://example.invalid/x/{FILE}"), home)
    assert _Handler.requests[-1] == f"/good/{FILE}"


@pytest.mark.parametrize(
    "kind, expected",
    [
        ("wrong", f"expected sha256 {SHA}, got "),
        ("truncated", "truncated"),
        ("404", "HTTP error 404"),
        ("500", "HTTP error 500"),
    ],
)
def test_server_failures_leave_no_file(server, home, kind, expected):
    url = f"{server}/{kind}/{FILE}"
    with pytest.raises(WeightsError) as error:
        _fetch(url)
    message = str(error.value)
    assert expected in message and url in message and "Fix:" in message
    assert _cache_files(home) == []


@pytest.mark.parametrize("kind, expected", [("huge", "it announces 10737418240 bytes"),
                                            ("endless", "stopped reading at 40001 bytes")])
def test_oversize_download_stops_at_expected_size(server, home, kind, expected):
    _Handler.streamed.clear()
    with pytest.raises(WeightsError) as error:
        _fetch(f"{server}/{kind}/{FILE}")
    assert expected in str(error.value) and f"expected {len(PAYLOAD)} bytes" in str(error.value)
    assert _cache_files(home) == []
    deadline = time.monotonic() + 10
    while not _Handler.streamed and time.monotonic() < deadline:
        time.sleep(0.05)
    # The client hung up early: the server got out at most what the socket buffers hold.
    assert _Handler.streamed and _Handler.streamed[0] < ENDLESS_BYTES // 4


def test_no_network_and_timeout_leave_no_file(server, home):
    url = f"http://127.0.0.1:{_closed_port()}/{FILE}"
    with pytest.raises(WeightsError, match="cannot reach it") as error:
        _fetch(url)
    assert url in str(error.value) and "KERASGAN_WEIGHTS_URL" in str(error.value)
    assert _cache_files(home) == []
    with pytest.raises(WeightsError, match="timed out"):
        _fetch(f"{server}/slow/{FILE}", timeout=0.5)
    assert _cache_files(home) == []


def test_corrupt_cache_offline_is_removed_and_reported(server, home):
    path = _fetch(f"{server}/good/{FILE}")
    with open(path, "wb") as handle:
        handle.write(b"garbage")
    url = f"http://127.0.0.1:{_closed_port()}/{FILE}"
    with pytest.raises(WeightsError, match="cached copy .* was corrupt") as error:
        _fetch(url)
    assert f"expected {len(PAYLOAD)} bytes, got 7" in str(error.value)
    assert _cache_files(home) == []


def test_unsupported_scheme():
    with pytest.raises(WeightsError, match="unsupported scheme"):
        fetch.resolve_url("ftp://host/w.weights.h5", "/b")
