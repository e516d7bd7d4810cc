"""A SAML identity provider for the tests: a key pair made at test time, signed responses.

The key and its self-signed certificate are made with ``cryptography``; responses are
signed with python3-saml's own signing (xmlsec), exactly as an identity provider signs
them. Options make the broken kinds a test needs: unsigned, signed with another key,
expired, for another audience.
"""

import base64
import datetime
import uuid
import zlib
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.utils import OneLogin_Saml2_Utils

IDP_ENTITY_ID = "https://idp.acme.example/saml"
IDP_SSO_URL = "https://idp.acme.example/saml/sso"
SP_ENTITY_ID = "https://spoke.example/saml/acme"
EMAIL_ATTRIBUTE = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"


@dataclass(frozen=True)
class KeyPair:
    key_pem: str
    cert_pem: str

    @property
    def cert_body(self) -> str:
        """The certificate as SAML settings take it: base64 without the PEM lines."""
        lines = self.cert_pem.strip().splitlines()
        return "".join(line for line in lines if "CERTIFICATE" not in line)


def make_key_pair(common_name: str = "Test IdP") -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return KeyPair(key_pem, cert.public_bytes(serialization.Encoding.PEM).decode())


def app_settings(keys: KeyPair, *, domains: list[str], **extra) -> dict:
    """A SocialApp's settings for this IdP, as a site admin would enter them."""
    return {
        "domains": domains,
        "idp": {"entity_id": IDP_ENTITY_ID, "sso_url": IDP_SSO_URL, "x509cert": keys.cert_body},
        "sp": {"entity_id": SP_ENTITY_ID},
        "advanced": {
            "allow_single_label_domains": True,  # the test client's host is "testserver"
            "want_assertion_signed": True,
        },
        **extra,
    }


def request_id(location: str) -> str:
    """The ID of the AuthnRequest in a redirect to the IdP (HTTP-Redirect binding)."""
    encoded = parse_qs(urlsplit(location).query)["SAMLRequest"][0]
    xml = zlib.decompress(base64.b64decode(encoded), -15).decode()
    start = xml.index('ID="') + 4
    return xml[start : xml.index('"', start)]


def _instant(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def response(
    *,
    keys: KeyPair | None,
    acs_url: str,
    email: str,
    in_response_to: str | None,
    attributes: dict[str, str] | None = None,
    audience: str = SP_ENTITY_ID,
    lifetime: datetime.timedelta = datetime.timedelta(minutes=5),
    issued: datetime.datetime | None = None,
) -> str:
    """A base64 SAMLResponse whose assertion is signed with ``keys`` (unsigned if None)."""
    now = issued or datetime.datetime.now(datetime.UTC)
    later = now + lifetime
    reply_to = f" InResponseTo={quoteattr(in_response_to)}" if in_response_to else ""
    attributes = {EMAIL_ATTRIBUTE: email, **(attributes or {})}
    attrs = "".join(
        f"<saml:Attribute Name={quoteattr(name)}>"
        f"<saml:AttributeValue>{escape(value)}</saml:AttributeValue></saml:Attribute>"
        for name, value in attributes.items()
        if value is not None
    )
    assertion = (
        '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
        f'ID="_a{uuid.uuid4().hex}" Version="2.0" IssueInstant="{_instant(now)}">'
        f"<saml:Issuer>{IDP_ENTITY_ID}</saml:Issuer>"
        "<saml:Subject>"
        '<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">'
        f"{escape(email)}</saml:NameID>"
        '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
        f'<saml:SubjectConfirmationData NotOnOrAfter="{_instant(later)}" '
        f"Recipient={quoteattr(acs_url)}{reply_to}/>"
        "</saml:SubjectConfirmation></saml:Subject>"
        f'<saml:Conditions NotBefore="{_instant(now - datetime.timedelta(minutes=1))}" '
        f'NotOnOrAfter="{_instant(later)}">'
        f"<saml:AudienceRestriction><saml:Audience>{escape(audience)}</saml:Audience>"
        "</saml:AudienceRestriction></saml:Conditions>"
        f'<saml:AuthnStatement AuthnInstant="{_instant(now)}" SessionIndex="_s{uuid.uuid4().hex}">'
        "<saml:AuthnContext><saml:AuthnContextClassRef>"
        "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
        "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
    )
    if attrs:
        assertion += f"<saml:AttributeStatement>{attrs}</saml:AttributeStatement>"
    assertion += "</saml:Assertion>"
    if keys is not None:
        signed = OneLogin_Saml2_Utils.add_sign(
            assertion,
            keys.key_pem,
            keys.cert_pem,
            sign_algorithm=OneLogin_Saml2_Constants.RSA_SHA256,
            digest_algorithm=OneLogin_Saml2_Constants.SHA256,
        )
        assertion = signed.decode() if isinstance(signed, bytes) else signed
        assertion = assertion.split("?>", 1)[-1] if assertion.startswith("<?xml") else assertion
    xml = (
        '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
        f'ID="_r{uuid.uuid4().hex}" Version="2.0" IssueInstant="{_instant(now)}" '
        f"Destination={quoteattr(acs_url)}{reply_to}>"
        f"<saml:Issuer>{IDP_ENTITY_ID}</saml:Issuer>"
        '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
        "</samlp:Status>"
        f"{assertion}</samlp:Response>"
    )
    return base64.b64encode(xml.encode()).decode()
