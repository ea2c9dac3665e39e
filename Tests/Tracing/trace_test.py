#!/usr/bin/env python3
"""One order in the shop is one trace (issue 16), seen by a small OTLP/HTTP receiver here:

1. `shop-demo --serve` with `OTEL_EXPORTER_OTLP_ENDPOINT` (http/json): alice's order, sent with a
   W3C `traceparent`, comes back as one trace — the order service's request span, its token
   verification, its call to the payment service, the token exchange at the authorization
   server, the payment service's request span — each span's parent in the trace, and no token,
   secret or password anywhere in what was exported.
2. The same with http/protobuf (the default, what an OpenTelemetry Collector expects).
3. `warden serve` with `OTEL_SERVICE_NAME` and the specification's default propagators: a
   request span under that name; a hostile `tracestate` and a collector credential in a bad
   `OTEL_EXPORTER_OTLP_HEADERS` reach no log line; what would stop swift-otel (b3, a batch of 0)
   is refused in one line; a collector answering 503 does not hold SIGTERM; Ctrl-C stops the
   shop-demo scenario; and `scopes-tutorial`: `GET /users/me` names the token's client.
4. No `OTEL_*` endpoint: nothing is sent (tracing is off unless asked for).

Usage: trace_test.py BIN_DIR. Prints one closing line "tracing: N passed, M failed" and exits
non-zero on any failure.
"""
import base64
import http.server
import json
import os
import pty
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import requests
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Interop"))
from checks import check, results  # noqa: E402

BIN = sys.argv[1] if len(sys.argv) > 1 else ".build/debug"
TRACE_ID = os.urandom(16).hex()
PARENT_ID = os.urandom(8).hex()


class Receiver(http.server.BaseHTTPRequestHandler):
    """OTLP/HTTP: keeps each export's content type and body, answers 204 (either protocol)."""
    exports = []

    def do_POST(self):  # noqa: N802 — http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Receiver.exports.append((self.path, self.headers.get("Content-Type", ""), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def start_receiver(port=0):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def span_id(value):
    """An id as hex: swift-otel's JSON gives base64 (SwiftProtobuf's JSON), the spec hex."""
    if not value:
        return ""
    try:
        raw = base64.b64decode(value, validate=True)
        if len(raw) in (8, 16):
            return raw.hex()
    except ValueError:
        pass
    return value.lower()


def attribute_value(value):
    for kind in ("stringValue", "boolValue", "intValue", "doubleValue"):
        if kind in value:
            return value[kind]
    return None


def spans_of(exports):
    """Every exported span as a dict: name, trace, span, parent, kind, service, attributes."""
    spans = []
    for path, content_type, body in exports:
        if path != "/v1/traces":
            continue
        if content_type.startswith("application/json"):
            for resource_spans in json.loads(body).get("resourceSpans", []):
                resource = {a["key"]: attribute_value(a["value"]) for a in resource_spans.get("resource", {}).get("attributes", [])}
                for scope_spans in resource_spans.get("scopeSpans", []):
                    for span in scope_spans.get("spans", []):
                        spans.append({"name": span["name"], "trace": span_id(span.get("traceId")), "span": span_id(span.get("spanId")),
                                      "parent": span_id(span.get("parentSpanId")), "kind": span.get("kind"), "service": resource.get("service.name"),
                                      "attributes": {a["key"]: attribute_value(a["value"]) for a in span.get("attributes", [])}})
        else:
            request = ExportTraceServiceRequest.FromString(body)
            for resource_spans in request.resource_spans:
                resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        attributes = {}
                        for a in span.attributes:
                            field = a.value.WhichOneof("value")
                            attributes[a.key] = str(getattr(a.value, field)) if field == "int_value" else getattr(a.value, field)
                        spans.append({"name": span.name, "trace": span.trace_id.hex(), "span": span.span_id.hex(), "parent": span.parent_span_id.hex(),
                                      "kind": span.kind, "service": resource.get("service.name"), "attributes": attributes})
    return spans


def environment(receiver, protocol, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    if receiver is not None:
        env.update(OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{receiver.server_address[1]}", OTEL_EXPORTER_OTLP_PROTOCOL=protocol,
                   OTEL_BSP_SCHEDULE_DELAY="100")
    env.update(extra)
    return env


def stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        return None


def order_through_the_shop(env, webhook=None):
    """Starts `shop-demo --serve`, places alice's order under TRACE_ID, stops it; the secrets seen.
    With `webhook`, alerts go there, and ten failed sign-ins raise one."""
    arguments = [os.path.join(BIN, "shop-demo"), "--serve"] + (["--alert-webhook", webhook] if webhook else [])
    shop = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        line = json.loads(shop.stdout.readline())
        token_endpoint = line["issuer"] + "/oauth2/token"
        login = requests.post(token_endpoint, data={"grant_type": "password", "client_id": line["client_id"], "username": "alice", "password": "wonderland",
                                                    "scope": "order.write order.read payment.create"}, timeout=10).json()
        token = login["access_token"]
        order = requests.post(line["order"] + "/orders?trace=check", json={"item": "The Hunting of the Snark", "amount": 1250},
                              headers={"Authorization": f"Bearer {token}", "traceparent": f"00-{TRACE_ID}-{PARENT_ID}-01"}, timeout=20)
        check("alice's order is placed (201)", order.status_code == 201, f"{order.status_code} {order.text}")
        if webhook:
            for attempt in range(10):
                requests.post(token_endpoint, data={"grant_type": "password", "client_id": "shop-web", "username": f"nobody-{attempt}", "password": "guess"}, timeout=10)
            for _ in range(100):
                if any(path != "/v1/traces" for path, _, _ in Receiver.exports):
                    break
                time.sleep(0.1)
        return [token, login.get("refresh_token", ""), line["order_service"]["client_secret"], "wonderland"]
    finally:
        code = stop(shop)
        check("shop-demo --serve stops on SIGTERM (exit 0)", code == 0, code)


def one_order_is_one_trace(protocol):
    Receiver.exports = []
    receiver = start_receiver()
    # The receiver takes the alert webhook too: its path (often a secret) must be on no span.
    webhook = f"http://127.0.0.1:{receiver.server_address[1]}/hook-secret-path" if protocol == "http/json" else None
    secrets = order_through_the_shop(environment(receiver, protocol), webhook)
    receiver.shutdown()
    spans = spans_of(Receiver.exports)
    trace = [s for s in spans if s["trace"] == TRACE_ID]
    by_id = {s["span"]: s for s in trace}
    names = [s["name"] for s in trace]
    check(f"[{protocol}] spans were exported to /v1/traces", bool(spans), Receiver.exports[:1])
    expected = ["POST /orders", "warden.verify_token", "warden.call payments", "warden.token_request", "POST /oauth2/token", "POST /payments"]
    check(f"[{protocol}] one trace holds the order, its verification, the call, the exchange and the payment", all(n in names for n in expected), names)
    root = next((s for s in trace if s["name"] == "POST /orders"), None)
    check(f"[{protocol}] the order's span continues the caller's traceparent", root is not None and root["parent"] == PARENT_ID, root)
    orphans = [s["name"] for s in trace if s is not root and s["parent"] not in by_id]
    check(f"[{protocol}] every other span's parent is in the trace", not orphans, orphans)
    if protocol != "http/json":
        return

    def ancestors(span):
        chain = []
        while span and span["parent"] in by_id:
            span = by_id[span["parent"]]
            chain.append(span["name"])
        return chain

    exchange = next((s for s in trace if s["name"] == "POST /oauth2/token"), None)
    check("the exchange at the authorization server is within the order service's call to payments",
          exchange is not None and "warden.call payments" in ancestors(exchange) and "POST /orders" in ancestors(exchange), exchange and ancestors(exchange))
    check("the authorization server's span names the exchanging client and its grant",
          exchange is not None and exchange["attributes"].get("oauth.client_id") == "order-service"
          and exchange["attributes"].get("oauth.grant_type") == "urn:ietf:params:oauth:grant-type:token-exchange", exchange)
    payment = next((s for s in trace if s["name"] == "POST /payments"), None)
    check("the payment service's span is a child of the call and names the token's client",
          payment is not None and "warden.call payments" in ancestors(payment) and payment["attributes"].get("oauth.client_id") == "order-service"
          and payment["attributes"].get("warden.service") == "payment-service", payment)
    check("the order's span names shop-web and its route and status", root is not None and root["attributes"].get("oauth.client_id") == "shop-web"
          and root["attributes"].get("http.route") == "/orders" and str(root["attributes"].get("http.response.status_code")) == "201", root)
    verifications = [s for s in trace if s["name"] == "warden.verify_token"]
    check("each verification says whether the cache answered", verifications and all("warden.token.cache_hit" in s["attributes"] for s in verifications), verifications)
    exported = b"".join(body for path, _, body in Receiver.exports if path == "/v1/traces")
    check("the alert webhook was called (ten failed sign-ins)", any(path == "/hook-secret-path" for path, _, _ in Receiver.exports))
    check("the alert webhook's URL is on no span", b"hook-secret-path" not in exported)
    leaked = [secret[:12] for secret in secrets if secret and secret.encode() in exported]
    check("no token, refresh token, client secret or password is in any exported span", not leaked and not re.search(rb"eyJ[\w-]+\.eyJ", exported), leaked)
    check("no query string is recorded", b"trace=check" not in exported)


def serve_warden(env, action):
    """Runs `warden serve` on a fresh SQLite file with `env`, calls `action(base_url)`, stops it
    with SIGTERM; returns (what it wrote to stdout and stderr, seconds SIGTERM took, exit code)."""
    with tempfile.TemporaryDirectory() as directory:
        port = free_port()
        log_path = os.path.join(directory, "serve.log")
        with open(log_path, "w") as log:
            serve = subprocess.Popen([os.path.join(BIN, "warden"), "serve", "--database", os.path.join(directory, "w.sqlite"), "--master-key-file",
                                      os.path.join(directory, "k"), "--port", str(port), "--issuer", f"http://127.0.0.1:{port}"],
                                     stdout=log, stderr=subprocess.STDOUT, text=True, env=env)
            try:
                for _ in range(200):
                    with open(log_path) as written:
                        if "warden serving" in written.read() or serve.poll() is not None:
                            break
                    time.sleep(0.05)
                if serve.poll() is None:
                    action(f"http://127.0.0.1:{port}")
            finally:
                started = time.monotonic()
                code = stop(serve)
                took = time.monotonic() - started
        with open(log_path) as written:
            return written.read(), took, code


def warden_serve_names_its_service():
    Receiver.exports = []
    receiver = start_receiver()
    forged = "2026-12-01T19:40:00+0000 critical warden: FORGED-LINE event=master_key.exported"

    def action(base):
        health = requests.get(base + "/health", timeout=10)
        check("warden serve answers with tracing on", health.status_code == 200, health.status_code)
        # A well-formed traceparent with a tracestate that is not: nothing of it is logged.
        hostile = requests.get(base + "/health", headers={"traceparent": f"00-{TRACE_ID}-{PARENT_ID}-01", "tracestate": forged}, timeout=10)
        check("a malformed tracestate is ignored (200)", hostile.status_code == 200, hostile.status_code)

    # The specification's default propagators (swift-otel stops at `baggage`: narrowed), a collector
    # credential in a malformed header setting, and swift-otel's most talkative log level.
    log, _, _ = serve_warden(environment(receiver, "http/protobuf", OTEL_SERVICE_NAME="warden-ci", OTEL_PROPAGATORS="tracecontext,baggage",
                                         OTEL_EXPORTER_OTLP_HEADERS="Authorization: Bearer CANARY-HEADER", OTEL_LOG_LEVEL="debug"), action)
    receiver.shutdown()
    spans = spans_of(Receiver.exports)
    check("warden serve's request span carries OTEL_SERVICE_NAME (OTEL_PROPAGATORS=tracecontext,baggage)",
          any(s["name"] == "GET /health" and s["service"] == "warden-ci" for s in spans), [(s["name"], s["service"]) for s in spans])
    check("no forged line from a tracestate in the log", "FORGED-LINE" not in log, log[-2000:])
    check("no collector credential from OTEL_EXPORTER_OTLP_HEADERS in the log", "CANARY-HEADER" not in log, log[-2000:])


def refusals_and_stopping():
    """What would stop swift-otel is refused in one line; a dead collector does not hold a stop."""
    log, _, code = serve_warden(environment(None, "", OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:9", OTEL_PROPAGATORS="b3"), lambda base: None)
    check("OTEL_PROPAGATORS=b3 is refused with one line (exit 78), not a crash", code == 78 and "OTEL_PROPAGATORS" in log and "Fatal error" not in log,
          f"{code} {log[-500:]}")
    log, _, code = serve_warden(environment(None, "", OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:9", OTEL_BSP_MAX_EXPORT_BATCH_SIZE="0"), lambda base: None)
    check("OTEL_BSP_MAX_EXPORT_BATCH_SIZE=0 is refused (exit 78)", code == 78, f"{code} {log[-300:]}")

    class Unavailable(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(503)
            self.end_headers()

        def log_message(self, *args):
            pass

    down = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Unavailable)
    threading.Thread(target=down.serve_forever, daemon=True).start()

    def traffic(base):
        for _ in range(20):
            requests.get(base + "/health", timeout=10)

    _, took, code = serve_warden(environment(None, "", OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{down.server_address[1]}"), traffic)
    down.shutdown()
    check("with a collector answering 503, SIGTERM stops warden serve within 6 s", code == 0 and took < 6, f"exit {code} after {took:.1f} s")

    # Ctrl-C in the middle of the scenario: it runs in well under a second, so the signal goes
    # when its first step is printed (a terminal, so each line comes as it is written), not
    # after a fixed wait it may have finished within.
    controller, terminal = pty.openpty()
    scenario = subprocess.Popen([os.path.join(BIN, "shop-demo")], stdout=terminal, stderr=subprocess.DEVNULL, env=environment(None, ""))
    os.close(terminal)
    printed = b""
    deadline = time.monotonic() + 60
    while b"[1]" not in printed and time.monotonic() < deadline:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        printed += chunk
    scenario.send_signal(signal.SIGINT)
    started = time.monotonic()
    try:
        code = scenario.wait(timeout=20)
    except subprocess.TimeoutExpired:
        scenario.kill()
        code = None
    took = time.monotonic() - started
    os.close(controller)
    check("Ctrl-C stops the shop-demo scenario at once (exit 130)", b"[1]" in printed and code == 130 and took < 5, f"exit {code} after {took:.1f} s")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def the_tutorial_traces_too():
    Receiver.exports = []
    receiver = start_receiver()
    port = free_port()
    tutorial = subprocess.Popen([os.path.join(BIN, "scopes-tutorial"), "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=environment(receiver, "http/json"))
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                token = requests.post(base + "/token", data={"grant_type": "password", "username": "johndoe", "password": "secret", "scope": "me"}, timeout=5).json()["access_token"]
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        me = requests.get(base + "/users/me", headers={"Authorization": f"Bearer {token}"}, timeout=5)
        check("scopes-tutorial answers /users/me with tracing on", me.status_code == 200, me.status_code)
    finally:
        code = stop(tutorial)
        check("scopes-tutorial stops on SIGTERM (exit 0)", code == 0, code)
    receiver.shutdown()
    spans = spans_of(Receiver.exports)
    me_span = next((s for s in spans if s["name"] == "GET /users/me"), None)
    check("scopes-tutorial's request span names the route and the token's client",
          me_span is not None and me_span["attributes"].get("oauth.client_id") and me_span["attributes"].get("warden.service") == "scopes-tutorial", me_span)


def nothing_without_an_endpoint():
    """Tracing stays off without an endpoint: a receiver on the default port hears nothing."""
    Receiver.exports = []
    try:
        receiver = start_receiver(4318)
    except OSError:
        check("(skipped: port 4318 is taken)", True)
        return
    order_through_the_shop(environment(None, "", OTEL_EXPORTER_OTLP_PROTOCOL="http/json"))
    time.sleep(0.5)
    receiver.shutdown()
    check("without an OTLP endpoint nothing is exported", not Receiver.exports, len(Receiver.exports))


def main():
    one_order_is_one_trace("http/json")
    one_order_is_one_trace("http/protobuf")
    warden_serve_names_its_service()
    refusals_and_stopping()
    the_tutorial_traces_too()
    nothing_without_an_endpoint()
    print(f"tracing: {results['passed']} passed, {results['failed']} failed")
    return 0 if results["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
