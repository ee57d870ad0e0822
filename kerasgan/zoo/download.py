"""Fetching published weights into the local cache, verified by size and sha256.

Where a ``weights.url`` points:

- ``file:///abs/path/NAME.weights.h5`` -- a local file;
- ``http://...`` / ``https://...`` -- downloaded with ``urllib``;
- a relative path such as ``weights/NAME.weights.h5`` -- relative to the
  folder of the entry: the ``kerasgan.zoo`` package for zoo entries, the
  preset folder for presets.

Mirror: when ``KERASGAN_WEIGHTS_URL`` is set, relative and ``http(s)`` urls
are replaced by ``$KERASGAN_WEIGHTS_URL/<file name of the url>`` (the
directory part is dropped, the file name kept; ``file://`` urls are never
rewritten). The mirror may be an ``http(s)://`` or ``file://`` base URL or a
local folder.

Cache: ``$KERASGAN_HOME/weights/NAME-SHA12.weights.h5`` (``KERASGAN_HOME``
defaults to ``~/.kerasgan``; SHA12 is the first 12 hex digits of the
expected sha256). A download goes to a temporary file in the cache folder and
is moved into place (``os.replace``) only after its size and sha256 match, so
the cache never holds a partial or wrong file. A cached file is re-hashed
before every use; a corrupt one is deleted and fetched again.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import socket
import tempfile
import urllib.error
import urllib.parse
import urllib.request

from kerasgan.files import make_readable
from kerasgan.zoo.weights import WeightsError

__all__ = ["HOME_ENV", "MIRROR_ENV", "cache_path", "fetch_weights", "home", "resolve_url"]

HOME_ENV = "KERASGAN_HOME"
MIRROR_ENV = "KERASGAN_WEIGHTS_URL"
#: Seconds to wait for a server before giving up.
DEFAULT_TIMEOUT = 60
_BLOCK = 1 << 20


def home():
    """The kerasgan cache root: ``$KERASGAN_HOME`` or ``~/.kerasgan``."""
    return os.path.abspath(os.path.expanduser(os.environ.get(HOME_ENV) or "~/.kerasgan"))


def cache_path(name, sha256):
    """``$KERASGAN_HOME/weights/NAME-SHA12.weights.h5``."""
    return os.path.join(home(), "weights", f"{name}-{sha256[:12]}.weights.h5")


def _is_http(url):
    return url.startswith(("http://", "https://"))


def _as_url(location):
    """A local path becomes a ``file://`` URL; URLs are returned unchanged."""
    if location.startswith(("file://", "http://", "https://")):
        return location
    return "file://" + urllib.request.pathname2url(os.path.abspath(os.path.expanduser(location)))


def resolve_url(url, base_dir):
    """The URL a ``weights.url`` is downloaded from (mirror and relative paths applied).

    Args:
        url: the entry's ``weights.url``.
        base_dir: the folder relative urls start from.

    Returns:
        An ``http(s)://`` or ``file://`` URL.

    Raises:
        WeightsError: an unsupported scheme (``ftp://`` ...).

    Example:
        >>> resolve_url("https://example.org/w/a.weights.h5", "/x")  # no mirror set
        'https://example.org/w/a.weights.h5'
    """
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("", "file", "http", "https") or (scheme == "" and "://" in url):
        raise WeightsError(
            f"weights url {url!r} has an unsupported scheme; use file:///ABS/PATH, "
            "http(s)://... or a path relative to the entry's folder."
        )
    mirror = os.environ.get(MIRROR_ENV, "").strip()
    if mirror and scheme != "file":
        file_name = os.path.basename(urllib.parse.urlsplit(url).path)
        return _as_url(mirror).rstrip("/") + "/" + urllib.parse.quote(file_name)
    if scheme == "":
        return _as_url(os.path.join(base_dir, url))
    return url


def _sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def _verified(path, sha256, size):
    """None when ``path`` has the expected size and hash, else what differs."""
    got_size = os.path.getsize(path)
    if got_size != size:
        return f"expected {size} bytes, got {got_size}"
    got_sha = _sha256_of(path)
    if got_sha != sha256:
        return f"expected sha256 {sha256}, got {got_sha}"
    return None


class _TooLarge(Exception):
    """The source holds more than the expected size (``what`` says how we know)."""

    def __init__(self, what):
        super().__init__(what)
        self.what = what


def _download(url, target, timeout, size, progress=None):
    """Streams ``url`` into the open file ``target``, reading at most ``size`` + 1 bytes.

    ``progress(bytes_so_far, size)`` is called after each block. Returns the
    bytes written; raises :class:`_TooLarge` as soon as the source
    announces or sends more than ``size`` bytes, so an oversize body is never
    read to its end.
    """
    written = 0
    with urllib.request.urlopen(url, timeout=timeout) as response:
        announced = response.headers.get("Content-Length")
        if announced is not None and announced.isdigit() and int(announced) > size:
            raise _TooLarge(f"it announces {int(announced)} bytes")
        while written <= size:
            block = response.read(min(_BLOCK, size + 1 - written))
            if not block:
                break
            target.write(block)
            written += len(block)
            if progress is not None:
                progress(written, size)
    if written > size:
        raise _TooLarge(f"it sent more (stopped reading at {written} bytes)")
    if announced is not None and announced.isdigit() and written < int(announced):
        raise http.client.IncompleteRead(b"", int(announced) - written)
    return written


def _problem(error):
    """A short description of a download failure."""
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP error {error.code} {error.reason}"
    if isinstance(error, http.client.IncompleteRead):
        return f"the transfer ended early ({error.expected} bytes missing; truncated)"
    if isinstance(error, (socket.timeout, TimeoutError)):
        return "timed out waiting for the server"
    if isinstance(error, urllib.error.URLError):
        reason = error.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            return "timed out waiting for the server"
        return f"cannot reach it ({reason})"
    return f"{type(error).__name__}: {error}"


def fetch_weights(name, url, sha256, size, base_dir, timeout=DEFAULT_TIMEOUT, progress=None):
    """Returns a verified local copy of a weights file, downloading it if needed.

    Args:
        name: entry name (names the cache file).
        url: the entry's ``weights.url``.
        sha256: expected hex sha256.
        size: expected size in bytes.
        base_dir: the folder relative urls start from.
        timeout: seconds to wait for a server.
        progress: ``progress(bytes_so_far, size)``, called as a download
            proceeds (not for a verified cached copy).

    Returns:
        The cache path ``$KERASGAN_HOME/weights/NAME-SHA12.weights.h5``.

    Raises:
        WeightsError: HTTP error, unreachable server, timeout, truncated
            transfer, wrong size or checksum. No file is left in the cache.
    """
    target = cache_path(name, sha256)
    note = ""
    if os.path.isfile(target):
        problem = _verified(target, sha256, size)
        if problem is None:
            return target
        os.remove(target)
        note = f" (the cached copy {target} was corrupt: {problem}; it was deleted)"
    source = resolve_url(url, base_dir)
    folder = os.path.dirname(target)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            try:
                _download(source, handle, timeout, size, progress)
            except _TooLarge as error:
                raise WeightsError(
                    f"the weights of {name!r} at {source} are not the published file: "
                    f"expected {size} bytes, but {error.what}{note}. Fix: the server (or "
                    f"mirror) holds another file; point {MIRROR_ENV} at a correct copy; if you "
                    "rebuilt the weights, update weights.sha256/size in the entry "
                    "(tools/build_zoo.py does)."
                ) from None
            except (OSError, http.client.HTTPException) as error:
                mirror = (
                    f"set {MIRROR_ENV} to a mirror holding {os.path.basename(source)}"
                    if not os.environ.get(MIRROR_ENV)
                    else f"check the mirror {MIRROR_ENV}={os.environ[MIRROR_ENV]}"
                )
                raise WeightsError(
                    f"could not fetch the weights of {name!r} from {source}: "
                    f"{_problem(error)}{note}. Fix: check the url and your network, "
                    f"or {mirror}."
                ) from None
        problem = _verified(tmp, sha256, size)
        if problem is not None:
            raise WeightsError(
                f"the weights of {name!r} downloaded from {source} are not the published "
                f"file: {problem}{note}. Fix: the server (or mirror) holds another or a "
                "truncated file; fetch again or point "
                f"{MIRROR_ENV} at a correct copy; if you rebuilt the weights, update "
                "weights.sha256/size in the entry (tools/build_zoo.py does)."
            )
        make_readable(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return target
