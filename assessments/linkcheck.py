"""Fetch a submitted post link once, safely, and say whether it answered.

:func:`link_check` is called from a Celery task after a learner submits a link. It must
never hurt anyone: not the learner (it never raises for network trouble and never takes
long), not the review (a dead platform is recorded, not fatal) and not us (it refuses to
be pointed at our own network).

How it stays safe:

- Only ``https`` links (``http`` too when ``allow_private`` is set, for local tests), no
  user name or password in the link.
- The host is resolved once per hop; if any address is not public (loopback, private,
  link-local such as the 169.254.169.254 metadata service, shared, multicast, reserved,
  unspecified, IPv4 embedded in IPv6) the link is refused before any connection. The
  connection then goes to one of exactly those addresses, while the Host header and the
  TLS certificate check use the original name, so the name cannot be re-pointed (DNS
  rebinding) between the check and the connection.
- Redirects are followed by hand, at most ``max_redirects``, each target checked the same
  way; a redirect back to a page already visited is a loop and is refused.
- Every socket operation waits at most ``timeout`` seconds, and a watchdog shuts the
  connection down once twice ``timeout`` have passed in total, so a server that trickles
  bytes cannot hold the worker.
- At most ``max_bytes`` of the body are read, and reading stops once the ``<head>`` is over.
"""

from __future__ import annotations

import codecs
import functools
import ipaddress
import logging
import re
import socket
import ssl
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from http import HTTPStatus
from http.client import HTTPConnection, HTTPException, HTTPResponse, HTTPSConnection
from urllib.parse import SplitResult, quote, urljoin, urlsplit

logger = logging.getLogger(__name__)

OK = "ok"
UNREACHABLE = "unreachable"
REFUSED = "refused"
ERROR = "error"

TITLE_MAX_LENGTH = 300
USER_AGENT = "SpokeLinkCheck/1.0 (+https://spoke.example)"
HEADERS = {"User-Agent": USER_AGENT, "Accept": "text/html", "Accept-Encoding": "identity"}
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

_CHUNK = 64 * 1024
_CHARSET_SNIFF_BYTES = 4096
_HEAD_ENDS = (b"</head", b"<body")
# Characters left alone when quoting a path or query for the request line.
_URL_SAFE = "!$%&'()*+,/:;=?@[]~"
_HOST_NAME = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?")
# Legacy IPv4 spellings a browser accepts: 2130706433, 0x7f.1, 0177.0.0.1, 127.1.
_LEGACY_IPV4 = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}\.?")
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:-]+)""", re.I)
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

Resolver = Callable[[str], Iterable[str]]


@dataclass(frozen=True)
class LinkCheckResult:
    """What one check found.

    ``status`` is ``ok`` (answered 2xx), ``unreachable`` (no answer: DNS, refused, timeout,
    TLS, 5xx, rate limit), ``refused`` (we would not fetch it: not https, private address,
    credentials, too many redirects, loop) or ``error`` (answered 4xx: gone or private).
    ``http_status`` is the status of the last answer received, if any; ``final_url`` is the
    address where the check ended (the refused target, for a refused redirect).
    """

    status: str
    http_status: int | None
    title: str
    final_url: str
    reason: str


class _Outcome(Exception):
    """Ends a check early with a verdict."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def link_check(
    url: str,
    *,
    timeout: float = 5.0,
    max_bytes: int = 512 * 1024,
    max_redirects: int = 3,
    allow_private: bool = False,
    _resolve: Resolver | None = None,
) -> LinkCheckResult:
    """Fetch ``url`` within the limits and report whether it answered, and its title.

    Never raises for network problems. ``_resolve(host)`` returns the host's IP addresses
    (default: ``socket.getaddrinfo``); tests inject one to play DNS.
    """
    clock = _Clock(timeout)
    watchdog = _Watchdog(clock)
    resolve = _resolve or _system_resolve
    current = url
    http_status: int | None = None
    visited: set[tuple] = set()
    try:
        for hop in range(max_redirects + 2):
            redirected = hop > 0
            if hop > max_redirects:
                raise _Outcome(REFUSED, f"More than {max_redirects} redirects refused")
            target = _Target.parse(current, allow_private=allow_private, redirected=redirected)
            if target.key in visited:
                raise _Outcome(REFUSED, "Redirect loop refused")
            visited.add(target.key)
            addresses = _addresses(
                target,
                resolve=resolve,
                clock=clock,
                allow_private=allow_private,
                redirected=redirected,
            )
            connection = _connection(target, addresses, clock=clock, watchdog=watchdog)
            try:
                connection.request("GET", target.request_path, headers=HEADERS)
                response = connection.getresponse()
                http_status = response.status
                if http_status not in REDIRECT_STATUSES:
                    title = _read_title(response, max_bytes=max_bytes, clock=clock)
                    if watchdog.fired:  # its shutdown looks like the end of the body
                        raise TimeoutError
                    status, reason = _verdict(http_status)
                    return LinkCheckResult(status, http_status, title, current, reason)
                location = (response.getheader("Location") or "").strip()
            finally:
                connection.close()
            if not location:
                raise _Outcome(ERROR, "Redirect without a location")
            try:
                current = urljoin(current, location)
            except ValueError:  # e.g. an unclosed IPv6 bracket
                current = location
                raise _Outcome(REFUSED, "Redirect to an invalid link refused") from None
        raise AssertionError("the loop returns or raises before it ends")  # pragma: no cover
    except _Outcome as outcome:
        return LinkCheckResult(outcome.status, http_status, "", current, outcome.reason)
    except (OSError, HTTPException) as exc:
        reason = _describe_failure(exc, clock, timed_out=watchdog.fired)
        return LinkCheckResult(UNREACHABLE, http_status, "", current, reason)
    finally:
        watchdog.stop()


# --- Time ---------------------------------------------------------------------------


class _Clock:
    """``timeout`` per socket operation, twice that for the whole check."""

    def __init__(self, timeout: float):
        self.step = timeout
        self.start = time.monotonic()
        self.end = self.start + 2 * timeout

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def check(self) -> None:
        if self.remaining() <= 0:
            raise TimeoutError

    def next_timeout(self) -> float:
        """How long the next blocking operation may wait."""
        self.check()
        return min(self.step, self.remaining())


class _Watchdog:
    """Shuts the current connection down when the overall deadline passes.

    Per-operation time-outs do not stop a server that sends one byte just before each
    one expires; shutting the socket down from another thread wakes whatever read is
    blocked on it, inside ``http.client`` or ``ssl`` alike.
    """

    def __init__(self, clock: _Clock):
        self._lock = threading.Lock()
        self._handle: socket.socket | None = None
        self._fired = False
        self._timer = threading.Timer(max(clock.remaining(), 0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        """Guard a freshly connected socket, through a duplicate (TLS takes over the original)."""
        with self._lock:
            if self._fired:
                raise TimeoutError
            self._release()
            self._handle = sock.dup()

    @property
    def fired(self) -> bool:
        return self._fired

    def stop(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._release()

    def _fire(self) -> None:
        with self._lock:
            self._fired = True
            if self._handle is not None:
                try:
                    self._handle.shutdown(socket.SHUT_RDWR)
                except OSError:
                    logger.debug("link check: socket already closed at the deadline")

    def _release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


# --- Where to go ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII (IDNA) host name or IP literal, no brackets
    port: int
    request_path: str
    literal: _IPAddress | None

    @property
    def key(self) -> tuple:
        return (self.scheme, self.host, self.port, self.request_path)

    @classmethod
    def parse(cls, url: str, *, allow_private: bool, redirected: bool) -> _Target:
        """Check the link's shape; raise a refusal for anything we do not fetch."""
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError:
            raise _refused(redirected, "Not a valid link", "an invalid link") from None
        scheme = parts.scheme.lower()
        schemes = {"https", "http"} if allow_private else {"https"}
        if scheme not in schemes:
            if redirected:
                shown = f"{scheme}:" if scheme else "a link without a scheme"
                raise _Outcome(REFUSED, f"Redirect to {shown} refused")
            raise _Outcome(REFUSED, f"Only {' and '.join(sorted(schemes))} links are checked")
        if "@" in parts.netloc:
            raise _refused(
                redirected,
                "Links with a user name or password are refused",
                "a link with a user name or password",
            )
        host, literal = _host(parts)
        if host is None or port == 0:
            raise _refused(redirected, "Not a valid link", "an invalid link")
        if not allow_private and _is_local_name(host):
            raise _refused(redirected, "Private address refused", "a private address")
        return cls(
            scheme=scheme,
            host=host,
            port=port or (443 if scheme == "https" else 80),
            request_path=_request_path(parts),
            literal=literal,
        )


def _refused(redirected: bool, message: str, target: str) -> _Outcome:
    return _Outcome(REFUSED, f"Redirect to {target} refused" if redirected else message)


def _host(parts: SplitResult) -> tuple[str | None, _IPAddress | None]:
    """The ASCII host and, for an IP literal in any spelling, its address."""
    name = parts.hostname
    if not name:
        return None, None
    try:
        literal = ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        return str(literal), literal
    if ":" in name or "%" in name:
        return None, None
    if _LEGACY_IPV4.fullmatch(name):
        try:
            literal = ipaddress.IPv4Address(socket.inet_aton(name.rstrip(".")))
        except OSError:
            return None, None
        return str(literal), literal
    try:
        ascii_name = name.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None, None
    if not _HOST_NAME.fullmatch(ascii_name):
        return None, None
    return ascii_name, None


def _is_local_name(host: str) -> bool:
    name = host.rstrip(".")
    return name == "localhost" or name.endswith(".localhost")


def _request_path(parts: SplitResult) -> str:
    path = quote(parts.path or "/", safe=_URL_SAFE)
    if not path.startswith("/"):
        path = "/" + path
    if parts.query:
        path += "?" + quote(parts.query, safe=_URL_SAFE)
    return path


def _addresses(
    target: _Target, *, resolve: Resolver, clock: _Clock, allow_private: bool, redirected: bool
) -> list[str]:
    """Resolve once and refuse unless every address is public."""
    if target.literal is not None:
        addresses = [str(target.literal)]
    else:
        addresses = _resolve_in_time(resolve, target.host, clock)
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, "no addresses")
    if not allow_private and not all(_is_public(address) for address in addresses):
        raise _refused(redirected, "Private address refused", "a private address")
    return addresses


def _is_public(address: str) -> bool:
    """True only for an address on the public internet (also when spelled inside IPv6)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id or ip.ipv4_mapped is not None:
            return False
        embedded = ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and not _is_public(str(embedded)):
            return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _system_resolve(host: str) -> list[str]:
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos if info[0] in (socket.AF_INET, socket.AF_INET6)]


def _resolve_in_time(resolve: Resolver, host: str, clock: _Clock) -> list[str]:
    """Run the resolver in a thread so a hanging DNS server cannot outlast the time-out."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["addresses"] = list(dict.fromkeys(resolve(host)))
        except Exception as exc:  # handed back to the caller below
            box["error"] = exc

    worker = threading.Thread(target=run, name="linkcheck-resolve", daemon=True)
    worker.start()
    worker.join(clock.next_timeout())
    if worker.is_alive():
        raise TimeoutError
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["addresses"]  # type: ignore[return-value]


# --- Talking to it ----------------------------------------------------------------------


def _open_socket(addresses: list[str], port: int, clock: _Clock) -> socket.socket:
    """A TCP connection to the first of the vetted addresses that answers."""
    error: OSError | None = None
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout=clock.next_timeout())
        except TimeoutError:
            raise
        except OSError as exc:
            error = exc
    raise error or OSError("no address to connect to")


@functools.cache
def _tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()  # verifies the certificate and the host name
    context.set_alpn_protocols(["http/1.1"])
    return context


class _Pinned:
    """Connects to the vetted addresses instead of resolving the host name again."""

    def __init__(self, host, port, *, addresses, clock, watchdog, **kwargs):
        super().__init__(host, port, timeout=clock.step, **kwargs)
        self.addresses = addresses
        self.clock = clock
        self.watchdog = watchdog

    def _open_pinned(self) -> socket.socket:
        sock = _open_socket(self.addresses, self.port, self.clock)
        try:
            self.watchdog.watch(sock)
        except BaseException:
            sock.close()
            raise
        return sock


class _PinnedHTTPConnection(_Pinned, HTTPConnection):
    def connect(self) -> None:
        self.sock = self._open_pinned()


class _PinnedHTTPSConnection(_Pinned, HTTPSConnection):
    def connect(self) -> None:
        sock = self._open_pinned()
        try:
            # SNI and certificate check against the name the learner gave, not the IP.
            self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


def _connection(
    target: _Target, addresses: list[str], *, clock: _Clock, watchdog: _Watchdog
) -> HTTPConnection:
    if target.scheme == "https":
        return _PinnedHTTPSConnection(
            target.host,
            target.port,
            addresses=addresses,
            clock=clock,
            watchdog=watchdog,
            context=_tls_context(),
        )
    return _PinnedHTTPConnection(
        target.host, target.port, addresses=addresses, clock=clock, watchdog=watchdog
    )


def _verdict(code: int) -> tuple[str, str]:
    try:
        answered = f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        answered = str(code)
    if 200 <= code < 300:
        return OK, f"Answered {answered}"
    if code == HTTPStatus.TOO_MANY_REQUESTS:
        return UNREACHABLE, f"Rate limited ({answered})"
    if 500 <= code < 600:
        return UNREACHABLE, f"Server error {answered}"
    if 400 <= code < 500:
        return ERROR, f"Answered {answered}"
    if code >= 600:
        return UNREACHABLE, f"Answered a non-standard status {code}"
    return ERROR, f"Answered {answered}"


def _describe_failure(exc: BaseException, clock: _Clock, *, timed_out: bool) -> str:
    if timed_out or clock.remaining() <= 0 or isinstance(exc, TimeoutError):
        return f"Timed out after {round(clock.elapsed(), 1):g} s"
    if isinstance(exc, socket.gaierror):
        return "Host name could not be resolved"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "TLS certificate could not be verified"
    if isinstance(exc, ssl.SSLError):
        return "TLS handshake failed"
    if isinstance(exc, ConnectionRefusedError):
        return "Connection refused"
    if isinstance(exc, ConnectionError | EOFError):  # RemoteDisconnected is one too
        return "Connection closed without an answer"
    if isinstance(exc, HTTPException):
        return "Answer was not valid HTTP"
    return f"Network error: {exc.strerror or type(exc).__name__}"  # type: ignore[union-attr]


# --- Reading the title -------------------------------------------------------------------


def _read_title(response: HTTPResponse, *, max_bytes: int, clock: _Clock) -> str:
    if not 200 <= response.status < 300:
        return ""
    content_type = (response.getheader("Content-Type") or "").lower()
    if content_type and "html" not in content_type and "xml" not in content_type:
        return ""
    if (response.getheader("Content-Encoding") or "identity").strip().lower() != "identity":
        return ""
    body = _read_head(response, max_bytes=max_bytes, clock=clock)
    text = _decode(body, response.headers.get_content_charset())
    return _extract_title(text)


def _read_head(response: HTTPResponse, *, max_bytes: int, clock: _Clock) -> bytes:
    """Up to ``max_bytes`` of the body, stopping once the document head is over."""
    data = bytearray()
    while len(data) < max_bytes:
        clock.check()
        chunk = response.read1(min(_CHUNK, max_bytes - len(data)))
        if not chunk:
            break
        seen = max(0, len(data) - 8)
        data += chunk
        window = bytes(data[seen:]).lower()
        if any(marker in window for marker in _HEAD_ENDS):
            break
    return bytes(data)


def _decode(body: bytes, declared: str | None) -> str:
    candidates = []
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            candidates.append(encoding)
    candidates.append(declared)
    match = _META_CHARSET.search(body[:_CHARSET_SNIFF_BYTES])
    if match:
        candidates.append(match.group(1).decode("ascii"))
    for encoding in candidates:
        if not encoding:
            continue
        try:
            return body.decode(encoding, errors="replace")
        except (LookupError, ValueError):  # unknown, or not a text encoding (base64, rot13)
            continue
    return body.decode("utf-8", errors="replace")


class _TitleParser(HTMLParser):
    """Collects the document ``<title>`` (not an SVG's) and the ``og:title`` meta."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title: str | None = None
        self.og_title: str | None = None
        self._parts: list[str] | None = None
        self._svg_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self._svg_depth += 1
        elif tag == "title" and not self._svg_depth and self.title is None:
            self._parts = []
        elif tag == "meta" and self.og_title is None:
            values = {name: value or "" for name, value in attrs}
            kind = (values.get("property") or values.get("name") or "").strip().lower()
            if kind == "og:title":
                self.og_title = values.get("content", "")

    def handle_endtag(self, tag):
        if tag == "svg" and self._svg_depth:
            self._svg_depth -= 1
        elif tag == "title" and self._parts is not None:
            self.title = "".join(self._parts)
            self._parts = None

    def handle_data(self, data):
        if self._parts is not None:
            self._parts.append(data)

    def close(self):
        super().close()
        if self._parts is not None:  # cut off inside the title
            self.title = "".join(self._parts)
            self._parts = None


def _extract_title(text: str) -> str:
    parser = _TitleParser()
    try:
        parser.feed(text)
        parser.close()
    except Exception:  # hostile markup must not fail the check; the title is a bonus
        logger.warning("link check: could not parse the page for a title", exc_info=True)
    return _clean_title(parser.title) or _clean_title(parser.og_title)


def _is_hidden(char: str) -> bool:
    """Control characters and the bidi overrides that could disguise a title."""
    return unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS


def _clean_title(raw: str | None) -> str:
    if not raw:
        return ""
    title = " ".join(raw.split())
    title = "".join(char for char in title if not _is_hidden(char))
    if len(title) > TITLE_MAX_LENGTH:
        title = title[: TITLE_MAX_LENGTH - 1].rstrip() + "…"
    return title
