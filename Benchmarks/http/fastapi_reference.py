"""The baseline for token issuance: a FastAPI + uvicorn + python-jose endpoint that does what
Warden's client_credentials grant does, the way the FastAPI docs would write it.

POST /oauth2/token, form-encoded, HTTP Basic client authentication (constant-time compare of a
keyed hash of the secret, as Warden stores it), the scope rule (requested ⊆ allowed), and an
ES256-signed RFC 9068 JWT with the same claims and header (typ at+jwt, kid). No database: the
client is in memory, so the comparison favours the baseline (Warden also writes an audit row).

Run: uvicorn fastapi_reference:app --host 127.0.0.1 --port 8001 --log-level warning
"""
import base64
import hashlib
import hmac
import os
import secrets
import time

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI, Form, Header, HTTPException
from jose import jwt

ISSUER = "http://127.0.0.1:8001"
HASH_KEY = secrets.token_bytes(32)
CLIENT_ID = "bench-service"
CLIENT_SECRET = os.environ.get("BENCH_SECRET", "bench-secret-0123456789abcdef")
CLIENT = {
    "secret_hash": hmac.new(HASH_KEY, CLIENT_SECRET.encode(), hashlib.sha256).digest(),
    "scopes": {"orders.read"},
    "audience": "orders",
}
PRIVATE_KEY = ec.generate_private_key(ec.SECP256R1())
PEM = PRIVATE_KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
KID = "bench-key"

app = FastAPI()


@app.post("/oauth2/token")
def token(grant_type: str = Form(...), scope: str = Form(""), authorization: str = Header(None)):
    if not authorization or not authorization.lower().startswith("basic "):
        raise HTTPException(status_code=401, detail="invalid_client")
    client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
    expected = CLIENT["secret_hash"] if client_id == CLIENT_ID else b"\0" * 32
    if not hmac.compare_digest(hmac.new(HASH_KEY, secret.encode(), hashlib.sha256).digest(), expected):
        raise HTTPException(status_code=401, detail="invalid_client")
    if grant_type != "client_credentials":
        raise HTTPException(status_code=400, detail="unsupported_grant_type")
    requested = set(scope.split()) if scope else CLIENT["scopes"]
    if not requested <= CLIENT["scopes"]:
        raise HTTPException(status_code=400, detail="invalid_scope")
    now = int(time.time())
    claims = {
        "iss": ISSUER, "sub": client_id, "aud": CLIENT["audience"], "exp": now + 300, "iat": now,
        "jti": secrets.token_urlsafe(16), "client_id": client_id, "scope": " ".join(sorted(requested)),
    }
    access_token = jwt.encode(claims, PEM, algorithm="ES256", headers={"kid": KID, "typ": "at+jwt"})
    return {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "scope": claims["scope"]}
