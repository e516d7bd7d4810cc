"""link_check: fetch a submitted post link within limits, and refuse our own network.

Everything runs against a throw-away HTTP server on 127.0.0.1; nothing touches the
internet. The ``internet`` fixture pretends ``post.example`` is a public host: our fake
DNS answers a public address, the "network" delivers that address to the local server,
and TLS is a pass-through that records the name the certificate would be checked for.
"""

import http.client
import socket
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from assessments import linkcheck
from assessments.linkcheck import LinkCheckResult, link_check

PUBLIC_IP = "93.184.215.14"
FILLER = b"<p>" + b"lorem ipsum dolor sit amet " * 2000 + b"</p>\n"  # no </head>, no <body>
HUGE = 5 * 1024 * 1024


def html(title_markup: str = "", body: str = "<p>Hi</p>") -> bytes:
    return f"<!doctype html><html><head>{title_markup}</head><body>{body}</body></html>".encode()


PAGES = {
    "/title": html("<title>Hello from Spoke</title>"),
    "/og": html('<meta property="og:title" content="Kestrel &quot;Rail&quot; &amp; friends">'),
    "/entities": html("<title>\n  Caf&eacute; &amp;   Co &#8212;\t news&nbsp;today  </title>"),
    "/no-title": html(),
    "/empty-title": html('<title>  </title><meta name="og:title" content="From the meta">'),
    "/long-title": html(f"<title>{'word ' * 200}</title>"),
    "/hidden-chars": html("<title>a\x07b&#x202e;c</title>"),
    "/big-after-head": html("<title>Head first</title>", "x" * HUGE),
}


class Handler(BaseHTTPRequestHandler):
    """Serves the pages above and a few misbehaving ones."""

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self.server.requests.append((self.path, dict(self.headers)))
        url = urlsplit(self.path)
        path, query = url.path, parse_qs(url.query)
        if path in PAGES:
            self.reply(PAGES[path])
        elif path.startswith("/status/"):
            self.reply(html("<title>Status page</title>"), status=int(path.rsplit("/", 1)[1]))
        elif path.startswith("/redirect/"):
            left = int(path.rsplit("/", 1)[1])
            self.redirect(f"/redirect/{left - 1}" if left > 1 else "/title")
        elif path == "/to":
            self.redirect(query["url"][0])
        elif path in {"/loop", "/ping", "/pong"}:
            self.redirect({"/loop": "/loop", "/ping": "/pong", "/pong": "/ping"}[path])
        elif path == "/no-location":
            self.reply(b"", status=HTTPStatus.FOUND)
        elif path == "/latin1":
            self.reply(b"<title>Caf\xe9 cr\xe8me</title>", "text/html; charset=iso-8859-1")
        elif path == "/meta-charset":
            body = b'<meta charset="windows-1252"><title>\x93Quoted\x94</title>'
            self.reply(body, "text/html")
        elif path == "/image":
            self.reply(b"\x89PNG\r\n\x1a\n<title>not html</title>", "image/png")
        elif path == "/slow":
            self.server.stopping.wait(3)
            self.reply(PAGES["/title"])
        elif path == "/trickle-body":
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.trickle(b"<html><title>Trickle</title>" + b"x" * 1000)
        elif path == "/trickle-head":
            self.trickle(b"HTTP/1.0 200 OK\r\nX-Padding: " + b"a" * 1000)
        elif path in {"/huge", "/huge-late-title"}:
            self.huge(late_title=path == "/huge-late-title")
        else:
            self.reply(b"", status=HTTPStatus.NOT_FOUND)

    def reply(self, body, content_type="text/html; charset=utf-8", status=HTTPStatus.OK):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location):
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def trickle(self, data):
        """One byte every 50 ms: each read succeeds long before the per-read time-out."""
        for byte in data:
            if self.server.stopping.wait(0.05):
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()

    def huge(self, *, late_title):
        head = b"<html>" if late_title else b"<html><title>Big page</title>"
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(HUGE))
        self.end_headers()
        self.wfile.write(head)
        sent = len(head)
        while sent < HUGE - 1000:
            self.wfile.write(FILLER)
            sent += len(FILLER)
        if late_title:
            self.wfile.write(b"<title>Too late</title>")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests = []
        self.connections = 0
        self.stopping = threading.Event()

    @property
    def port(self):
        return self.server_address[1]

    @property
    def paths(self):
        return [path for path, _headers in self.requests]

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def verify_request(self, request, client_address):
        self.connections += 1
        return True

    def handle_error(self, request, client_address):
        """The client hangs up on purpose (time-outs, size limit): not an error here."""


@pytest.fixture
def server():
    server = Server()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    yield server
    server.stopping.set()
    server.shutdown()
    server.server_close()
    thread.join()


def dns(table):
    """A fake resolver answering from ``table``; ``.calls`` lists the names asked."""
    calls = []

    def resolve(host):
        calls.append(host)
        if host in table:
            return table[host]
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    resolve.calls = calls
    return resolve


class PassThroughTLS:
    """Stands in for the TLS context: records the name the certificate is checked for."""

    verify_mode = linkcheck.ssl.CERT_REQUIRED
    check_hostname = True

    def __init__(self):
        self.server_hostnames = []

    def wrap_socket(self, sock, server_hostname):
        self.server_hostnames.append(server_hostname)
        return sock


@pytest.fixture
def internet(server, monkeypatch):
    """``https://post.example`` is "public" and served by the local server."""
    tls = PassThroughTLS()
    opened = []
    real_open_socket = linkcheck._open_socket

    def open_socket(addresses, port, clock):
        opened.append((list(addresses), port))
        assert addresses == [PUBLIC_IP], "connected to an address the check did not vet"
        return real_open_socket(["127.0.0.1"], server.port, clock)

    monkeypatch.setattr(linkcheck, "_open_socket", open_socket)
    monkeypatch.setattr(linkcheck, "_tls_context", lambda: tls)
    resolve = dns({"post.example": [PUBLIC_IP], "internal.example": ["10.0.0.7"]})
    return SimpleNamespace(tls=tls, opened=opened, resolve=resolve)


@pytest.fixture
def no_connection(monkeypatch):
    def open_socket(addresses, port, clock):
        pytest.fail(f"tried to connect to {addresses} port {port}")

    monkeypatch.setattr(linkcheck, "_open_socket", open_socket)


@pytest.fixture
def bytes_read(monkeypatch):
    """Counts the body bytes link_check takes from responses."""
    counter = SimpleNamespace(total=0)
    real_read1 = http.client.HTTPResponse.read1

    def read1(self, n=-1):
        data = real_read1(self, n)
        counter.total += len(data)
        return data

    monkeypatch.setattr(http.client.HTTPResponse, "read1", read1)
    return counter


def check(server, path, **kwargs):
    return link_check(server.url(path), allow_private=True, **kwargs)


# --- Answers and titles ---------------------------------------------------------------


def test_page_with_title_is_ok(server):
    """A 200 page answers ok with its title, at the same address."""
    result = check(server, "/title")
    assert result == LinkCheckResult(
        status="ok",
        http_status=HTTPStatus.OK,
        title="Hello from Spoke",
        final_url=server.url("/title"),
        reason="Answered 200 OK",
    )


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/og", 'Kestrel "Rail" & friends'),
        ("/entities", "Café & Co — news today"),
        ("/no-title", ""),
        ("/empty-title", "From the meta"),
        ("/hidden-chars", "abc"),
        ("/latin1", "Café crème"),
        ("/meta-charset", "\u201cQuoted\u201d"),
        ("/image", ""),
    ],
)
def test_title_is_read_cleaned_and_decoded(server, path, title):
    """og:title stands in for a missing title; entities, whitespace and charsets are handled."""
    result = check(server, path)
    assert result.status == "ok"
    assert result.title == title


def test_long_title_is_cut_to_300_characters(server):
    """A title longer than 300 characters is shortened with an ellipsis."""
    title = check(server, "/long-title").title
    assert len(title) == 300
    assert title.endswith("…")
    assert title.startswith("word word")


def test_sends_the_agreed_headers(server):
    """The request names us, asks for HTML and no compression."""
    check(server, "/title")
    (_path, headers) = server.requests[0]
    assert headers["User-Agent"] == "SpokeLinkCheck/1.0 (+https://spoke.example)"
    assert headers["Accept"] == "text/html"
    assert headers["Accept-Encoding"] == "identity"


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (HTTPStatus.NOT_FOUND, "error"),
        (HTTPStatus.GONE, "error"),
        (HTTPStatus.FORBIDDEN, "error"),
        (HTTPStatus.TOO_MANY_REQUESTS, "unreachable"),
        (HTTPStatus.INTERNAL_SERVER_ERROR, "unreachable"),
        (HTTPStatus.SERVICE_UNAVAILABLE, "unreachable"),
    ],
)
def test_error_statuses(server, code, status):
    """4xx means the post is gone or private; 5xx and rate limits mean the platform is down."""
    result = check(server, f"/status/{code.value}")
    assert (result.status, result.http_status) == (status, code)
    assert str(code.value) in result.reason
    assert result.title == ""


# --- Redirects ------------------------------------------------------------------------


@pytest.mark.parametrize("hops", [1, 3])
def test_redirects_within_the_limit_are_followed(server, hops):
    """Up to max_redirects redirects lead to the final page and its title."""
    result = check(server, f"/redirect/{hops}", max_redirects=3)
    assert result.status == "ok"
    assert result.title == "Hello from Spoke"
    assert result.final_url == server.url("/title")
    assert len(server.requests) == hops + 1


def test_too_many_redirects_are_refused(server):
    """One redirect more than allowed is refused without fetching it."""
    result = check(server, "/redirect/4", max_redirects=3)
    assert result.status == "refused"
    assert result.reason == "More than 3 redirects refused"
    assert result.http_status == HTTPStatus.FOUND
    assert server.paths == ["/redirect/4", "/redirect/3", "/redirect/2", "/redirect/1"]


@pytest.mark.parametrize(("path", "fetched"), [("/loop", 1), ("/ping", 2)])
def test_redirect_loop_is_refused(server, path, fetched):
    """A redirect back to a page already visited is a loop, refused at once."""
    result = check(server, path, max_redirects=10)
    assert (result.status, result.reason) == ("refused", "Redirect loop refused")
    assert len(server.requests) == fetched


def test_redirect_without_location_is_an_error(server):
    """A 302 that says nowhere to go is the site's error."""
    result = check(server, "/no-location")
    assert (result.status, result.http_status) == ("error", HTTPStatus.FOUND)


# --- Time and size limits -------------------------------------------------------------


def test_slow_server_times_out(server):
    """A server that does not answer within the time-out is unreachable."""
    started = time.monotonic()
    result = check(server, "/slow", timeout=0.5)
    elapsed = time.monotonic() - started
    assert result.status == "unreachable"
    assert result.reason.startswith("Timed out after")
    assert elapsed < 1.5  # the server would answer after 3 s


@pytest.mark.parametrize("path", ["/trickle-body", "/trickle-head"])
def test_trickling_server_is_cut_off_at_twice_the_timeout(server, path):
    """Bytes that each arrive in time cannot stretch the check beyond twice the time-out."""
    started = time.monotonic()
    result = check(server, path, timeout=0.5)
    elapsed = time.monotonic() - started
    assert result.status == "unreachable"
    assert result.reason.startswith("Timed out after")
    assert 0.9 < elapsed < 2.0  # the server would go on for 50 s


def test_huge_page_is_read_only_up_to_the_limit(server, bytes_read):
    """A 5 MB page is read up to max_bytes; its title in the first bytes still counts."""
    result = check(server, "/huge", max_bytes=100_000)
    assert (result.status, result.title) == ("ok", "Big page")
    assert 0 < bytes_read.total <= 100_000


def test_title_beyond_the_limit_is_not_an_error(server, bytes_read):
    """A page whose title comes after max_bytes is still ok, without a title."""
    result = check(server, "/huge-late-title", max_bytes=100_000)
    assert (result.status, result.title) == ("ok", "")
    assert bytes_read.total <= 100_000


def test_reading_stops_after_the_head(server, bytes_read):
    """Once the head is over, the rest of a large page is not read."""
    result = check(server, "/big-after-head")
    assert result.title == "Head first"
    assert bytes_read.total < 100_000


# --- Network failures -----------------------------------------------------------------


def test_closed_port_is_unreachable():
    """Nothing listening: unreachable, not an exception."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = link_check(f"http://127.0.0.1:{port}/", allow_private=True, timeout=1)
    assert (result.status, result.reason) == ("unreachable", "Connection refused")


def test_dns_failure_is_unreachable(no_connection):
    """A name that does not resolve is unreachable."""
    result = link_check("https://gone.example/post", _resolve=dns({}))
    assert (result.status, result.reason) == ("unreachable", "Host name could not be resolved")


def test_hanging_dns_times_out(no_connection):
    """A resolver that never answers cannot hold the check beyond the time-out."""
    release = threading.Event()

    def hang(host):
        release.wait(5)
        return [PUBLIC_IP]

    started = time.monotonic()
    try:
        result = link_check("https://post.example/", timeout=0.3, _resolve=hang)
    finally:
        release.set()
    assert result.status == "unreachable"
    assert result.reason.startswith("Timed out after")
    assert time.monotonic() - started < 1.5  # the resolver would answer after 5 s


def test_tls_failure_is_unreachable():
    """A server that does not speak TLS on https makes the link unreachable."""
    listener = socket.create_server(("127.0.0.1", 0))

    def answer_in_plain_text():
        connection, _address = listener.accept()
        with connection:
            connection.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\nthis is not TLS")

    thread = threading.Thread(target=answer_in_plain_text)
    thread.start()
    try:
        port = listener.getsockname()[1]
        result = link_check(f"https://127.0.0.1:{port}/", allow_private=True, timeout=2)
    finally:
        thread.join(2)
        listener.close()
    assert (result.status, result.reason) == ("unreachable", "TLS handshake failed")


def test_tls_context_verifies_certificates():
    """The real TLS context checks the certificate and the host name."""
    context = linkcheck._tls_context()
    assert context.verify_mode == linkcheck.ssl.CERT_REQUIRED
    assert context.check_hostname is True


# --- What we refuse to fetch ----------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "https://127.0.0.1:{port}/title",
        "https://localhost:{port}/title",
        "https://LOCALHOST.:{port}/title",
        "https://app.localhost:{port}/title",
        "https://[::1]:{port}/",
        "https://169.254.169.254/latest/meta-data",
        "https://10.0.0.1/",
        "https://192.168.1.1/",
        "https://100.64.0.1/",
        "https://0.0.0.0:{port}/",
        "https://224.0.0.1/",
        "https://2130706433:{port}/",
        "https://0x7f.1:{port}/",
        "https://[::ffff:127.0.0.1]:{port}/",
        "https://[2002:7f00:1::]/",
        "https://[fe80::1]/",
    ],
)
def test_private_addresses_are_refused_without_connecting(server, no_connection, template):
    """Loopback, private, link-local, metadata and odd spellings of them are never fetched."""
    resolve = dns({})
    result = link_check(template.format(port=server.port), _resolve=resolve)
    assert (result.status, result.reason) == ("refused", "Private address refused")
    assert result.http_status is None
    assert resolve.calls == []
    assert server.connections == 0


@pytest.mark.parametrize(
    "addresses",
    [["10.1.2.3"], ["127.0.0.1"], ["169.254.169.254"], ["::1"], [PUBLIC_IP, "10.1.2.3"]],
)
def test_name_resolving_to_a_private_address_is_refused(server, no_connection, addresses):
    """A public-looking name is refused if any of its addresses is private."""
    resolve = dns({"post.example": addresses})
    result = link_check("https://post.example/p/1", _resolve=resolve)
    assert (result.status, result.reason) == ("refused", "Private address refused")
    assert resolve.calls == ["post.example"]
    assert server.connections == 0


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://post.example/p/1", "Only https links are checked"),
        ("javascript:alert(1)", "Only https links are checked"),
        ("ftp://post.example/file", "Only https links are checked"),
        ("file:///etc/passwd", "Only https links are checked"),
        ("post.example/p/1", "Only https links are checked"),
        ("", "Only https links are checked"),
        ("https://user:secret@post.example/", "Links with a user name or password are refused"),
        ("https://user@post.example/", "Links with a user name or password are refused"),
        ("https://post.example:99999/", "Not a valid link"),
        ("https:///p/1", "Not a valid link"),
        ("https://exa mple.com/", "Not a valid link"),
        ("https://[::1/", "Not a valid link"),
    ],
)
def test_links_we_do_not_fetch_are_refused(no_connection, url, reason):
    """Other schemes, credentials and malformed links are refused before any lookup."""
    resolve = dns({"post.example": [PUBLIC_IP]})
    result = link_check(url, _resolve=resolve)
    assert (result.status, result.reason) == ("refused", reason)
    assert resolve.calls == []


# --- Pinning and redirects seen from a "public" host ----------------------------------


def test_public_host_is_fetched_over_tls_at_the_vetted_address(server, internet):
    """The connection goes to the address that was checked; Host and TLS use the name."""
    result = link_check("https://post.example/title", _resolve=internet.resolve)
    assert (result.status, result.title) == ("ok", "Hello from Spoke")
    assert result.final_url == "https://post.example/title"
    assert internet.opened == [([PUBLIC_IP], 443)]
    assert internet.tls.server_hostnames == ["post.example"]
    assert server.requests[0][1]["Host"] == "post.example"


def test_host_is_resolved_once_so_rebinding_cannot_redirect_the_connection(server, internet):
    """A DNS answer that changes after the check is never asked for, let alone used."""
    answers = iter([[PUBLIC_IP], ["127.0.0.1"]])
    calls = []

    def rebinding(host):
        calls.append(host)
        return next(answers)

    result = link_check("https://post.example/title", _resolve=rebinding)
    assert result.status == "ok"
    assert calls == ["post.example"]
    assert internet.opened == [([PUBLIC_IP], 443)]


def test_each_redirect_hop_is_resolved_and_checked(server, internet):
    """A redirect on the same host is vetted again before it is followed."""
    result = link_check("https://post.example/redirect/1", _resolve=internet.resolve)
    assert result.status == "ok"
    assert result.final_url == "https://post.example/title"
    assert internet.resolve.calls == ["post.example"] * 2


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("https://127.0.0.1:{port}/title", "Redirect to a private address refused"),
        ("https://localhost:{port}/title", "Redirect to a private address refused"),
        ("https://internal.example/title", "Redirect to a private address refused"),
        ("https://169.254.169.254/latest/meta-data", "Redirect to a private address refused"),
        ("http://127.0.0.1:{port}/title", "Redirect to http: refused"),
        ("http://post.example/title", "Redirect to http: refused"),
        ("ftp://post.example/file", "Redirect to ftp: refused"),
        ("https://[::1/", "Redirect to an invalid link refused"),
        ("https://post.example:0/", "Redirect to an invalid link refused"),
        (
            "https://user:pw@post.example/",
            "Redirect to a link with a user name or password refused",
        ),
    ],
)
def test_redirect_from_a_public_host_to_a_private_one_is_refused(
    server, internet, template, reason
):
    """A public page cannot send the check into our network, nor down to plain http."""
    target = template.format(port=server.port)
    result = link_check(
        f"https://post.example/to?url={quote(target, safe='')}", _resolve=internet.resolve
    )
    assert (result.status, result.reason) == ("refused", reason)
    assert result.http_status == HTTPStatus.FOUND
    assert result.final_url == target
    assert len(server.requests) == 1
    assert server.connections == 1
