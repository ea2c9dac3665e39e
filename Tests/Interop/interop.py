#!/usr/bin/env python3
"""Interoperability check: a real `warden serve` process, driven by third-party OAuth code.

Authlib (the client) obtains tokens through client_credentials and authorization code + PKCE
(driving Warden's login and consent pages like a browser), refreshes one, and joserfc verifies
every access token using only what the metadata document and the JWKS publish. Run by .ci/run
after `swift test`; prints one closing line "interop: N passed, M failed" and exits non-zero on
any failure.
"""
import html.parser
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jws, jwt
from joserfc.jwk import ECKey, KeySet

from checks import check, results

WARDEN = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/warden"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HiddenFields(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden":
            self.fields.append((attrs["name"], attrs.get("value", "")))


def hidden_fields(page):
    parser = HiddenFields()
    parser.feed(page)
    return parser.fields


def verify(token, metadata, audience):
    """Verifies an access token with only the metadata and the JWKS (RFC 9068 §4)."""
    jwks = requests.get(metadata["jwks_uri"], timeout=10).json()
    decoded = jwt.decode(token, KeySet.import_key_set(jwks), algorithms=["ES256", "EdDSA", "RS256"])
    assert decoded.header["typ"].lower() in ("at+jwt", "application/at+jwt"), decoded.header
    registry = jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": metadata["issuer"]},
        aud={"essential": True, "value": audience},
        exp={"essential": True},
        sub={"essential": True},
        jti={"essential": True},
        client_id={"essential": True},
    )
    registry.validate(decoded.claims)
    return decoded.claims


def warden(*args, database, stdin=None):
    output = subprocess.run([WARDEN, *args, "--database", database], check=True, capture_output=True, text=True, input=stdin)
    return output.stdout


def main():
    workdir = tempfile.mkdtemp(prefix="warden-interop-")
    database = os.path.join(workdir, "warden.sqlite")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    redirect_uri = "http://127.0.0.1:9/callback"

    warden("scope", "create", "orders.read", "--description", "Read orders", database=database)
    warden("scope", "create", "orders.write", "--description", "Place orders", database=database)
    created = json.loads(warden("client", "create", "py-service", "--grant", "client_credentials", "--scope", "orders.read",
                                "--audience", "orders", "--json", database=database))
    secret = created["client_secret"]
    warden("client", "create", "py-web", "--public", "--grant", "authorization_code", "--grant", "refresh_token",
           "--scope", "orders.read", "--scope", "orders.write", "--redirect-uri", redirect_uri, "--audience", "orders", database=database)
    warden("user", "create", "pat", "--password-stdin", "--scope", "orders.read", "--scope", "orders.write", "--bcrypt-cost", "6",
           database=database, stdin="pat-password\n")

    server = subprocess.Popen([WARDEN, "serve", "--port", str(port), "--database", database],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(200):
            try:
                if requests.get(base + "/health", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.05)
        metadata = requests.get(base + "/.well-known/oauth-authorization-server", timeout=10).json()
        check("metadata names the issuer", metadata["issuer"] == base, metadata.get("issuer"))
        check("metadata offers PKCE S256", metadata.get("code_challenge_methods_supported") == ["S256"])

        # client_credentials, client_secret_basic (Authlib's default)
        service = OAuth2Session("py-service", secret, scope="orders.read")
        token = service.fetch_token(metadata["token_endpoint"], grant_type="client_credentials")
        claims = verify(token["access_token"], metadata, "orders")
        check("client_credentials token verifies from the JWKS", claims["sub"] == "py-service" and claims["scope"] == "orders.read", claims)
        check("token_type is Bearer", token["token_type"].lower() == "bearer")

        # DPoP (RFC 9449): a proof made and signed by joserfc binds the token to its key.
        dpop_key = ECKey.generate_key("P-256")
        def proof(htu, jti=None):
            claims = {"jti": jti or generate_token(16), "htm": "POST", "htu": htu, "iat": int(time.time())}
            header = {"alg": "ES256", "typ": "dpop+jwt", "jwk": dpop_key.as_dict(private=False)}
            return jws.serialize_compact(header, json.dumps(claims).encode(), dpop_key)
        check("metadata lists DPoP algorithms", "ES256" in metadata.get("dpop_signing_alg_values_supported", []), metadata.get("dpop_signing_alg_values_supported"))
        fixed = proof(metadata["token_endpoint"])
        bound = requests.post(metadata["token_endpoint"], data={"grant_type": "client_credentials"}, auth=("py-service", secret),
                              headers={"DPoP": fixed}, timeout=10)
        check("a joserfc DPoP proof gets a DPoP token", bound.status_code == 200 and bound.json()["token_type"] == "DPoP", bound.text)
        bound_claims = verify(bound.json()["access_token"], metadata, "orders")
        check("the token's cnf.jkt is joserfc's RFC 7638 thumbprint", bound_claims.get("cnf", {}).get("jkt") == dpop_key.thumbprint(), bound_claims)
        replayed = requests.post(metadata["token_endpoint"], data={"grant_type": "client_credentials"}, auth=("py-service", secret),
                                 headers={"DPoP": fixed}, timeout=10)
        check("a replayed proof is 400 invalid_dpop_proof", replayed.status_code == 400 and replayed.json()["error"] == "invalid_dpop_proof", replayed.text)
        elsewhere = requests.post(metadata["token_endpoint"], data={"grant_type": "client_credentials"}, auth=("py-service", secret),
                                  headers={"DPoP": proof(base + "/oauth2/revoke")}, timeout=10)
        check("a proof for another URI is 400 invalid_dpop_proof", elsewhere.status_code == 400 and elsewhere.json()["error"] == "invalid_dpop_proof", elsewhere.text)

        # client_secret_post
        post = OAuth2Session("py-service", secret, token_endpoint_auth_method="client_secret_post")
        token = post.fetch_token(metadata["token_endpoint"], grant_type="client_credentials")
        check("client_secret_post works", verify(token["access_token"], metadata, "orders")["client_id"] == "py-service")

        # A wrong secret is invalid_client (RFC 6749 §5.2).
        wrong = requests.post(metadata["token_endpoint"], data={"grant_type": "client_credentials"}, auth=("py-service", "wrong-secret-wrong"), timeout=10)
        check("a wrong secret is 401 invalid_client", wrong.status_code == 401 and wrong.json()["error"] == "invalid_client", wrong.text)

        # Authorization code + PKCE, through the login and consent pages.
        web = OAuth2Session("py-web", redirect_uri=redirect_uri, scope="orders.read orders.write", code_challenge_method="S256",
                            token_endpoint_auth_method="none")
        verifier = generate_token(64)
        url, state = web.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier)
        browser = requests.Session()
        login = browser.get(url, timeout=10)
        check("the login page is served", login.status_code == 200 and 'name="password"' in login.text, login.status_code)
        fields = [f for f in hidden_fields(login.text) if f[0] != "step"]
        consent = browser.post(base + "/oauth2/authorize", data=fields + [("step", "login"), ("username", "pat"), ("password", "pat-password")], timeout=10)
        check("the consent page lists scopes by description", "Place orders" in consent.text, consent.status_code)
        fields = [f for f in hidden_fields(consent.text) if f[0] != "step"]
        final = browser.post(base + "/oauth2/authorize", data=fields + [("step", "consent"), ("decision", "allow")], timeout=10, allow_redirects=False)
        location = final.headers.get("Location", "")
        check("consent redirects with a code", final.status_code == 303 and "code=" in location, final.status_code)
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
        check("the redirect carries state and iss (RFC 9207)", query.get("state") == state and query.get("iss") == base, query)
        token = web.fetch_token(metadata["token_endpoint"], authorization_response=location, code_verifier=verifier)
        claims = verify(token["access_token"], metadata, "orders")
        check("the code flow's token verifies", claims["sub"] == "pat" and claims["client_id"] == "py-web", claims)
        check("a refresh token came with it", "refresh_token" in token)

        refreshed = web.refresh_token(metadata["token_endpoint"], refresh_token=token["refresh_token"])
        check("refresh rotates the refresh token", refreshed["refresh_token"] != token["refresh_token"])
        check("the refreshed token verifies", verify(refreshed["access_token"], metadata, "orders")["sub"] == "pat")

        # Introspection and revocation by the service for a token it holds.
        introspection = requests.post(metadata["introspection_endpoint"], data={"token": refreshed["access_token"]}, auth=("py-service", secret), timeout=10).json()
        check("introspection tells a client that is not the audience nothing", introspection == {"active": False}, introspection)
        revoke = requests.post(metadata["revocation_endpoint"], data={"token": refreshed["access_token"], "client_id": "py-web"}, timeout=10)
        check("revocation answers 200", revoke.status_code == 200)
        feed = requests.get(base + "/oauth2/revocations", timeout=10).json()
        check("the revoked jti is on the feed", any(entry.get("jti") == verify(refreshed["access_token"], metadata, "orders")["jti"] for entry in feed["revocations"]), feed)

        # A replayed code is refused and revokes what the first use issued (RFC 6749 §4.1.2).
        replay = requests.post(metadata["token_endpoint"], data={"grant_type": "authorization_code", "code": query["code"],
                               "redirect_uri": redirect_uri, "code_verifier": verifier, "client_id": "py-web"}, timeout=10)
        check("a replayed code is invalid_grant", replay.status_code == 400 and replay.json()["error"] == "invalid_grant", replay.text)
        after = requests.post(metadata["token_endpoint"], data={"grant_type": "refresh_token", "refresh_token": refreshed["refresh_token"], "client_id": "py-web"}, timeout=10)
        check("the replay revoked the family's refresh token", after.status_code == 400 and after.json()["error"] == "invalid_grant", after.text)
    except Exception as error:  # any unexpected failure is a failed check, with its reason
        check("no unexpected error", False, repr(error))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    print(f"interop: {results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
