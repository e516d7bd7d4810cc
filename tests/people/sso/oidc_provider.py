"""A real OpenID Connect provider for the tests, on loopback, built from Authlib.

It runs Authlib's authorization server (the authorization code grant with PKCE and the
OpenID Connect extension) behind Python's own HTTP server in a thread: discovery, a
sign-in page, the token endpoint, userinfo and the signing keys. Nothing in it is mocked:
Spoke's allauth talks to it over HTTP and checks the ID token's signature with its keys.
The sign-in page asks only for the address of one of the people it was given.
"""

import html
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from authlib.common.security import generate_token
from authlib.oauth2 import AuthorizationServer, OAuth2Request
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from joserfc.jwk import RSAKey

KID = "spoke-test-key"


@dataclass
class Client:
    client_id: str
    client_secret: str
    redirect_uris: list[str]

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope):
        return scope

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return client_secret == self.client_secret

    def check_endpoint_auth_method(self, method, endpoint):
        return method in {"client_secret_basic", "client_secret_post"}

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: dict
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    created: float = field(default_factory=time.time)

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return int(self.created)

    def get_acr(self):
        return None

    def get_amr(self):
        return ["pwd"]

    def is_expired(self):
        return time.time() - self.created > 300

    def get_code_challenge(self):
        return self.code_challenge

    def get_code_challenge_method(self):
        return self.code_challenge_method


class _Request(OAuth2Request):
    def __init__(self, method, uri, headers, query: dict, form: dict):
        super().__init__(method, uri, headers=headers)
        self._args, self._form = query, form
        self.payload = BasicOAuth2Payload({**query, **form})

    @property
    def args(self):
        return self._args

    @property
    def form(self):
        return self._form


class OidcProvider:
    """``people``: address -> claims (sub, given_name, family_name, department, ...)."""

    def __init__(self, *, client_id: str, client_secret: str, people: dict[str, dict]):
        self.client_id, self.client_secret = client_id, client_secret
        self.people = people
        self.redirect_uris: list[str] = []
        self.key = RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig"})
        self.codes: dict[str, Code] = {}
        self.tokens: dict[str, dict] = {}
        self.requests: list[str] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self.server = self._authorization_server()
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._httpd.shutdown()
        self._httpd.server_close()

    # Authlib's server

    def _authorization_server(self) -> AuthorizationServer:
        provider = self

        class Server(AuthorizationServer):
            def query_client(self, client_id):
                if client_id == provider.client_id:
                    return Client(client_id, provider.client_secret, provider.redirect_uris)
                return None

            def save_token(self, token, request):
                provider.tokens[token["access_token"]] = request.user

            def create_oauth2_request(self, request):
                return request

            def create_json_request(self, request):
                return request

            def handle_response(self, status, body, headers):
                return status, body, headers

            def send_signal(self, name, *args, **kwargs):
                return None

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code, request):
                data = request.payload.data
                provider.codes[code] = Code(
                    code=code,
                    client_id=request.client.client_id,
                    redirect_uri=data.get("redirect_uri"),
                    scope=data.get("scope", ""),
                    user=request.user,
                    nonce=data.get("nonce"),
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                )

            def query_authorization_code(self, code, client):
                found = provider.codes.get(code)
                if found and found.client_id == client.client_id and not found.is_expired():
                    return found
                return None

            def delete_authorization_code(self, authorization_code):
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                return authorization_code.user

        class IdToken(OpenIDCode):
            def resolve_client_private_key(self, client):
                return provider.key

            def get_client_algorithm(self, client):
                return "RS256"

            def get_encode_header(self, client):
                return {"alg": "RS256", "kid": KID}

            def get_client_claims(self, client):
                return {"iss": provider.issuer, "aud": [client.client_id]}

            def exists_nonce(self, nonce, request):
                return False

            def generate_user_info(self, user, scope):
                return provider.user_info(user)

        server = Server()
        server.register_token_generator(
            "default", BearerTokenGenerator(lambda *args, **kwargs: generate_token(40))
        )
        server.register_grant(CodeGrant, [IdToken(require_nonce=False), CodeChallenge()])
        return server

    def user_info(self, user: dict) -> UserInfo:
        return UserInfo({key: value for key, value in user.items() if value is not None})

    # HTTP

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                return None

            def _send(self, status, body, headers=()):
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _json(self, status, payload):
                self._send(status, json.dumps(payload), [("Content-Type", "application/json")])

            def _request(self, form: dict) -> _Request:
                parts = urlsplit(self.path)
                return _Request(
                    self.command,
                    provider.issuer + self.path,
                    dict(self.headers.items()),
                    dict(parse_qsl(parts.query)),
                    form,
                )

            def do_GET(self):
                parts = urlsplit(self.path)
                provider.requests.append(f"GET {parts.path}")
                if parts.path == "/.well-known/openid-configuration":
                    return self._json(200, provider.discovery())
                if parts.path == "/jwks":
                    return self._json(200, {"keys": [provider.key.as_dict(private=False)]})
                if parts.path == "/authorize":
                    return self._sign_in_page(dict(parse_qsl(parts.query)))
                if parts.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    user = provider.tokens.get(token)
                    if user is None:
                        return self._json(401, {"error": "invalid_token"})
                    return self._json(200, dict(provider.user_info(user)))
                return self._json(404, {"error": "not_found"})

            def do_POST(self):
                parts = urlsplit(self.path)
                provider.requests.append(f"POST {parts.path}")
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode()))
                if parts.path == "/authorize":
                    user = provider.people.get(form.get("email", "").strip().lower())
                    request = self._request({})
                    grant = provider.server.get_consent_grant(request=request, end_user=user)
                    status, body, headers = provider.server.create_authorization_response(
                        request=request, grant_user=user, grant=grant
                    )
                    return self._send(status, body if isinstance(body, str) else "", headers)
                if parts.path == "/token":
                    status, body, headers = provider.server.create_token_response(
                        self._request(form)
                    )
                    payload = body if isinstance(body, str) else json.dumps(body)
                    return self._send(status, payload, headers)
                return self._json(404, {"error": "not_found"})

            def _sign_in_page(self, query):
                hint = html.escape(query.get("login_hint", ""))
                page = (
                    "<!doctype html><html lang='en'><head><title>Test IdP</title></head><body>"
                    "<main><h1>Test identity provider</h1>"
                    f"<form method='post' action='{html.escape(self.path)}'>"
                    "<label for='email'>E-mail</label>"
                    f"<input id='email' name='email' type='email' value='{hint}'>"
                    "<button type='submit'>Sign in at the IdP</button></form></main></body></html>"
                )
                self._send(200, page, [("Content-Type", "text/html; charset=utf-8")])

        return Handler
