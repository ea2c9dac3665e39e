#!/usr/bin/env python3
"""Interoperability of Warden's HTTP Message Signatures (RFC 9421) with the Python package
`http-message-signatures` (PyPI), both ways:

1. Python plays the shop's order service against `shop-demo --serve`: it exchanges alice's token
   (with a DPoP proof made by joserfc), signs its payment request with http-message-signatures
   (hmac-sha256, key id `order-service`, the key `--serve` prints) and Warden's payment service
   takes it; the same request with another amount, or unsigned, is 401 invalid_signature.
2. The requests Warden signed in `warden-signed-requests.json` (made and checked by
   `SignatureInteropVectorTests`) verify with http-message-signatures.
3. `shop-demo --serve --alert-webhook URL` with `WARDEN_ALERT_WEBHOOK_SECRET` (issue 14): ten
   failed sign-ins reach a webhook here as one `credential_guessing` alert, signed as Standard
   Webhooks specifies (checked with Python's `hmac`).

Usage: signatures.py BIN_DIR (the directory of the built shop-demo). Prints one closing line
"signatures interop: N passed, M failed" and exits non-zero on any failure.
"""
import base64
import datetime
import hashlib
import hmac
import http.server
import json
import os
import queue
import subprocess
import sys
import threading
import time
import uuid

import requests
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    algorithms,
)
from joserfc import jwt
from joserfc.jwk import ECKey

from checks import check, results

BIN = sys.argv[1] if len(sys.argv) > 1 else ".build/debug"
HERE = os.path.dirname(os.path.abspath(__file__))


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Keys(HTTPSignatureKeyResolver):
    def __init__(self, keys):
        self.keys = keys

    def resolve_public_key(self, key_id):
        return self.keys[key_id]

    def resolve_private_key(self, key_id):
        return self.keys[key_id]


def dpop_proof(key, method, url, access_token=None):
    claims = {"jti": str(uuid.uuid4()), "htm": method, "htu": url, "iat": int(time.time())}
    if access_token:
        claims["ath"] = base64.urlsafe_b64encode(hashlib.sha256(access_token.encode()).digest()).rstrip(b"=").decode()
    header = {"typ": "dpop+jwt", "alg": "ES256", "jwk": key.as_dict(private=False)}
    return jwt.encode(header, claims, key)


class Webhook(http.server.BaseHTTPRequestHandler):
    """Records each POST (headers and body) and answers 204."""
    deliveries = queue.Queue()

    def do_POST(self):  # noqa: N802 — http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Webhook.deliveries.put((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def play_the_order_service():
    webhook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
    threading.Thread(target=webhook.serve_forever, daemon=True).start()
    webhook_key = os.urandom(32)
    environment = dict(os.environ, WARDEN_ALERT_WEBHOOK_SECRET="whsec_" + base64.b64encode(webhook_key).decode())
    shop = subprocess.Popen([os.path.join(BIN, "shop-demo"), "--serve", "--alert-webhook", f"http://127.0.0.1:{webhook.server_address[1]}/hook"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=environment)
    try:
        line = json.loads(shop.stdout.readline())
        issuer, payments = line["issuer"], line["payment"] + "/payments"
        order_service = line["order_service"]
        check("--serve names the order service's signing key", order_service["signing_key_id"] == "order-service" and len(b64url_decode(order_service["signing_key"])) == 32)
        secret = b64url_decode(order_service["signing_key"])
        token_endpoint = issuer + "/oauth2/token"

        alice = requests.post(token_endpoint, data={"grant_type": "password", "client_id": "shop-web", "username": "alice",
                                                    "password": "wonderland", "scope": "order.write payment.create"}, timeout=10).json()["access_token"]
        key = ECKey.generate_key("P-256")
        exchanged = requests.post(token_endpoint, auth=(order_service["client_id"], order_service["client_secret"]),
                                  headers={"DPoP": dpop_proof(key, "POST", token_endpoint)},
                                  data={"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token": alice,
                                        "subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
                                        "audience": "payment-service", "scope": "payment.create"}, timeout=10).json()
        check("the exchange gives a DPoP-bound payment token", exchanged.get("token_type") == "DPoP", exchanged)
        token = exchanged["access_token"]

        signer = HTTPMessageSigner(signature_algorithm=algorithms.HMAC_SHA256, key_resolver=Keys({"order-service": secret}))

        def payment(signed_amount, sent_amount=None, sign=True):
            body = json.dumps({"order_id": "py-1", "amount": signed_amount}).encode()
            request = requests.Request("POST", payments, data=body, headers={"Content-Type": "application/json"}).prepare()
            request.headers["Authorization"] = f"DPoP {token}"
            request.headers["DPoP"] = dpop_proof(key, "POST", payments, token)
            if sign:
                signer.sign(request, key_id="order-service", body=body,
                            covered_component_ids=("@method", "@target-uri", "content-digest", "authorization", "dpop"))
            if sent_amount is not None:
                request.body = json.dumps({"order_id": "py-1", "amount": sent_amount}).encode()
                request.headers["Content-Length"] = str(len(request.body))
            return requests.Session().send(request, timeout=10)

        signed = payment(1250)
        check("a request signed by http-message-signatures is taken (201)", signed.status_code == 201, f"{signed.status_code} {signed.text}")
        tampered = payment(1250, sent_amount=125000)
        check("the same with the amount changed: 401 invalid_signature", tampered.status_code == 401 and tampered.json().get("error") == "invalid_signature",
              f"{tampered.status_code} {tampered.text}")
        unsigned = payment(1250, sign=False)
        check("unsigned: 401 with Accept-Signature", unsigned.status_code == 401 and "content-digest" in unsigned.headers.get("Accept-Signature", ""),
              f"{unsigned.status_code} {dict(unsigned.headers)}")

        # Ten failed sign-ins from this address (a made-up user: nobody real is locked out).
        for _ in range(10):
            requests.post(token_endpoint, data={"grant_type": "password", "client_id": "shop-web", "username": "nobody-" + uuid.uuid4().hex[:8],
                                                "password": "guess"}, timeout=10)
        try:
            path, headers, body = Webhook.deliveries.get(timeout=20)
        except queue.Empty:
            check("an alert reaches the webhook of `shop-demo --serve --alert-webhook`", False, "nothing within 20 s")
            return
        alert = json.loads(body)
        check("an alert reaches the webhook of `shop-demo --serve --alert-webhook`", path == "/hook" and alert.get("kind") == "credential_guessing", alert)
        signed = f"{headers.get('webhook-id')}.{headers.get('webhook-timestamp')}.".encode() + body
        expected = "v1," + base64.b64encode(hmac.new(webhook_key, signed, hashlib.sha256).digest()).decode()
        check("it is signed as Standard Webhooks specifies, with WARDEN_ALERT_WEBHOOK_SECRET", expected in headers.get("webhook-signature", "").split(" "),
              headers)
    finally:
        shop.terminate()
        shop.wait(timeout=30)
        webhook.shutdown()


def verify_wardens_requests():
    with open(os.path.join(HERE, "warden-signed-requests.json")) as file:
        vectors = json.load(file)
    algorithm_of = {"hmac-sha256": algorithms.HMAC_SHA256, "ed25519": algorithms.ED25519,
                    "ecdsa-p256-sha256": algorithms.ECDSA_P256_SHA256, "rsa-pss-sha512": algorithms.RSA_PSS_SHA512}
    for vector in vectors:
        if vector["alg"] == "hmac-sha256":
            key = b64url_decode(vector["key"])
        else:
            key = load_pem_public_key(vector["key"].encode())
        request = requests.Request(vector["method"], vector["url"], data=vector["body"].encode()).prepare()
        for name in list(request.headers):
            if name.lower() not in ("content-length",):
                del request.headers[name]
        for name, value in vector["headers"]:
            request.headers[name] = value
        verifier = HTTPMessageVerifier(signature_algorithm=algorithm_of[vector["alg"]], key_resolver=Keys({vector["key_id"]: key}))
        try:
            verified = verifier.verify(request, max_age=datetime.timedelta(days=365 * 100), body=vector["body"].encode())
            ok = len(verified) == 1
            detail = ""
        except Exception as error:  # noqa: BLE001 — any refusal is a failed check
            ok, detail = False, repr(error)
        check(f"a request Warden signed with {vector['alg']} verifies with http-message-signatures", ok, detail)


def main():
    play_the_order_service()
    verify_wardens_requests()
    print(f"signatures interop: {results['passed']} passed, {results['failed']} failed")
    return 0 if results["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
