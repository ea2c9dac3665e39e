#!/usr/bin/env python3
"""Browser check: the authorization code sign-in pages of a real `warden serve`, in headless Chromium.

Selenium drives Chromium through the login, consent and error pages; a small HTTP server on
loopback is the client (its /cb is the registered redirect URI) and records every request it
gets. The cases: Allow (code, state, iss; the code redeems with PKCE S256), Deny, a wrong
password, an unknown client or redirect URI, framing by another origin, reflected parameters and
names rendered as text (HTML-breaking, script and grapheme-cluster payloads), and that the
browser really ends on the redirect URI after the consent form (CSP `form-action` governs the
redirect that follows a form post), also when that URI is an IPv6 loopback one, `http://[::1]:PORT/cb`
(RFC 8252 §7.3; a second client server on `::1`, the case says SKIP where `::1` cannot be bound).
Last, the run's failed sign-ins are counted from the audit log: the server locks an address out of
everything after its 50th failure, so the suite keeps to a budget of 25 and fails, saying so, above
it (rather than with a misleading "Incorrect username or password" on a later case). Run by
.ci/run after the interop check:

    python3 Tests/Browser/browser_test.py "$(swift build --show-bin-path)/warden"

Prints one line per check (PASS/FAIL, or SKIP with the reason), the console messages Chromium
logged, and a closing line "browser: N passed, M failed" (", K skipped" when any); exits non-zero on
any failure. A screenshot of every page seen goes
to $WARDEN_BROWSER_SCREENSHOTS (default: a new temporary folder, printed first).
"""
import base64
import hashlib
import html
import http.server
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import traceback
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

WARDEN = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/warden"
CASE_TIMEOUT = 90  # seconds one case may take, whatever it waits on
WAIT = 10  # seconds an explicit wait gives a page
ALICE_PASSWORD = "alice-password-1"
CSP_VIOLATION = re.compile(r"Content[ -]Security[ -]Policy", re.IGNORECASE)
# The reflected-parameter payloads: one that leaves an attribute and opens a tag, one script, and
# the grapheme-cluster one: `"` + U+0301 and U+0600 + `<` are single Characters (extended grapheme
# clusters) equal to neither `"` nor `<`, so an escaper comparing Swift Characters writes them raw.
PAYLOADS = [
    ("quote-tag", '"><b id=x>'),
    ("script", "<script>window.pwned=1</script>"),
    ("grapheme", 'x"\u0301>\u0301\u0600<b id=pwn title=\u0301>\u0301INJECTED'),
]
# The server locks one address out of everything after its 50th failed authentication (and one
# (user, address) pair after its 5th); every sign-in this suite makes comes from 127.0.0.1, so its
# failed ones stay within a budget well below that, checked at the end of a run.
ADDRESS_LOCKOUT = 50
FAILED_SIGN_IN_BUDGET = 25
results = {"passed": 0, "failed": 0, "skipped": 0}


def check(name, condition, detail=""):
    if condition:
        results["passed"] += 1
        print(f"  PASS {name}", flush=True)
    else:
        results["failed"] += 1
        print(f"  FAIL {name} {detail}".rstrip(), flush=True)


def skip(name, reason):
    results["skipped"] += 1
    print(f"  SKIP {name} ({reason})", flush=True)


def note(text):
    print(f"       {text}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pkce():
    """A code_verifier and its S256 code_challenge (RFC 7636 §4.1–4.2)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode("ascii")
    return verifier, challenge


class Callback:
    """The client: records every request (path + query) and answers 200 with a small page.

    It listens on `host`, 127.0.0.1 or the IPv6 loopback ::1 (OSError when that cannot be bound).
    /cb… is the registered redirect URI; /frame frames a given URL (and /control, a page of this
    origin, as a control that framing itself works); /vulnerable writes a payload unescaped, as a
    control that the injection probe notices an injection.
    """
    HELPERS = ("/frame", "/control", "/vulnerable")

    def __init__(self, host="127.0.0.1"):
        self.requests = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.answer(self)

            def do_POST(self):  # a form re-sent to the client would show up here
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                outer.answer(self)

            def log_message(self, *args):
                pass

        ipv6 = ":" in host

        class Server(http.server.ThreadingHTTPServer):
            address_family = socket.AF_INET6 if ipv6 else socket.AF_INET
            daemon_threads = True

        self.server = Server((host, 0), Handler)
        self.base = f"http://{'[' + host + ']' if ipv6 else host}:{self.server.server_address[1]}"
        self.redirect_uri = self.base + "/cb"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, handler):
        split = urllib.parse.urlsplit(handler.path)
        if split.path == "/favicon.ico":
            handler.send_response(404)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        with self.lock:
            self.requests.append({"method": handler.command, "path": split.path, "query": split.query})
        query = urllib.parse.parse_qs(split.query)
        if split.path == "/frame":
            body = ("<!doctype html><title>Framing check</title><h1>Another origin framing the sign-in page</h1>"
                    f'<iframe id="signin" src="{html.escape(query["src"][0])}" width="900" height="520" '
                    'onload="window.signinLoaded=true"></iframe>'
                    '<iframe id="control" src="/control" width="900" height="80" onload="window.controlLoaded=true"></iframe>')
        elif split.path == "/control":
            body = '<!doctype html><title>Control</title><p id="control">A page of the client\'s origin, framed.</p>'
        elif split.path == "/vulnerable":
            raw = query.get("p", [""])[0]
            body = f'<!doctype html><title>Unescaped</title><p>{raw}</p><input value="{raw}">'
        else:
            body = ("<!doctype html><title>Client callback</title><h1>Callback received</h1>"
                    f'<p id="received">{html.escape(handler.command)} {html.escape(handler.path)}</p>')
        data = body.encode("utf-8")
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def mark(self):
        with self.lock:
            return len(self.requests)

    def since(self, mark):
        """The client-facing requests (not the helper pages) received after `mark`."""
        with self.lock:
            return [r for r in self.requests[mark:] if r["path"] not in self.HELPERS]


class Warden:
    """`warden serve` on a SQLite file in a temporary folder, and the admin CLI on the same file."""

    def __init__(self, workdir):
        self.database = os.path.join(workdir, "warden.sqlite")
        self.env = dict(os.environ, WARDEN_MASTER_KEY=base64.b64encode(secrets.token_bytes(32)).decode("ascii"))
        self.process = None
        self.issuer = None
        self.log = []

    def cli(self, *args, stdin=None, check=True):
        output = subprocess.run([WARDEN, *args, "--database", self.database], capture_output=True, text=True,
                                input=stdin, env=self.env, timeout=60)
        if check and output.returncode != 0:
            raise RuntimeError(f"warden {' '.join(args)}: {output.stderr.strip()}")
        return output

    def start(self):
        self.process = subprocess.Popen([WARDEN, "serve", "--port", str(free_port()), "--database", self.database],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=self.env)
        ready = threading.Event()

        def read():
            for line in self.process.stdout:
                self.log.append(line.rstrip("\n"))
                serving = re.match(r"warden serving (\S+) on ", line)
                if serving:
                    self.issuer = serving.group(1)
                    ready.set()
            ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(30) or self.issuer is None:
            raise RuntimeError("warden serve did not start:\n" + "\n".join(self.log[-20:]))

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class Browser:
    """Headless Chromium, its console (every message kept, by case) and its network log."""

    def __init__(self, screenshots):
        options = webdriver.ChromeOptions()
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1000,900"):
            options.add_argument(argument)
        if os.path.exists("/usr/bin/chromium"):
            options.binary_location = "/usr/bin/chromium"
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        service = Service(executable_path="/usr/bin/chromedriver") if os.path.exists("/usr/bin/chromedriver") else Service()
        self.driver = webdriver.Chrome(options=options, service=service)
        self.driver.set_page_load_timeout(30)
        self.driver.set_script_timeout(10)
        self.screenshots = screenshots
        self.shot_count = 0
        self.console = []  # (case, level, message)
        self.case = "setup"

    def quit(self):
        self.driver.quit()

    def wait(self, condition, timeout=WAIT):
        return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(condition)

    def shot(self, name):
        self.shot_count += 1
        slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()
        path = os.path.join(self.screenshots, f"{self.shot_count:02d}-{slug}.png")
        self.driver.save_screenshot(path)
        return path

    def poll_console(self):
        for entry in self.driver.get_log("browser"):
            self.console.append((self.case, entry.get("level", ""), entry.get("message", "")))

    def console_mark(self):
        self.poll_console()
        return len(self.console)

    def csp_violations(self, mark):
        self.poll_console()
        return [message for _, _, message in self.console[mark:] if CSP_VIOLATION.search(message)]

    def drain_network(self):
        self.driver.get_log("performance")

    def redirect_locations(self):
        """`Location` headers of the responses seen since the last drain (DevTools network events)."""
        found = []
        for entry in self.driver.get_log("performance"):
            try:
                params = json.loads(entry["message"])["message"].get("params", {})
            except (KeyError, ValueError, AttributeError):
                continue
            for headers in (params.get("headers"), (params.get("redirectResponse") or {}).get("headers"),
                            (params.get("response") or {}).get("headers")):
                if isinstance(headers, dict):
                    found += [value for key, value in headers.items() if key.lower() == "location"]
        return found

    # The pages.

    def open_login(self, url):
        self.driver.get(url)
        self.wait(EC.presence_of_element_located((By.ID, "password")))

    def fill(self, element, text):
        element.clear()
        element.send_keys(text)
        if element.get_property("value") != text:  # characters chromedriver cannot type (combining marks)
            self.driver.execute_script("arguments[0].value = arguments[1]", element, text)

    def submit(self, button):
        """Clicks and waits for the next document to have loaded (the old one is marked first)."""
        self.driver.execute_script("window.wardenPreviousPage = true")
        button.click()
        WebDriverWait(self.driver, WAIT, poll_frequency=0.1, ignored_exceptions=(WebDriverException,)).until(
            lambda d: d.execute_script("return window.wardenPreviousPage === undefined && document.readyState === 'complete'"))

    def sign_in(self, username, password):
        self.fill(self.driver.find_element(By.ID, "username"), username)
        self.fill(self.driver.find_element(By.ID, "password"), password)
        self.submit(self.driver.find_element(By.CSS_SELECTOR, "button[type=submit]"))

    def wait_for_consent(self):
        self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "button[value=allow]")))

    def wait_for_alert(self):
        return self.wait(EC.visibility_of_element_located((By.CSS_SELECTOR, "[role=alert]")))


INJECTION_PROBE = """
return {x: document.getElementById('x') !== null, pwn: document.getElementById('pwn') !== null,
        pwned: typeof window.pwned, scripts: document.scripts.length, bold: document.getElementsByTagName('b').length};
"""
SHOWN = """
const [selector, kind, expected] = arguments;
return Array.from(document.querySelectorAll(selector)).some(e => kind === 'value'
    ? e.value === expected
    : e.textContent.includes(expected) && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden');
"""


def injected(driver):
    """What the probe finds on the current page that a payload would have put there."""
    probe = driver.execute_script(INJECTION_PROBE)
    problems = []
    if probe["x"] or probe["pwn"]:
        problems.append("an injected element (id x or pwn) is in the DOM")
    if probe["pwned"] != "undefined":
        problems.append(f"window.pwned is {probe['pwned']}")
    if probe["scripts"]:
        problems.append(f"{probe['scripts']} <script> element(s) in the DOM")
    if probe["bold"]:
        problems.append(f"{probe['bold']} <b> element(s) in the DOM")
    return problems


class Run:
    def __init__(self, warden, callback, browser, callback6=None, no_callback6=""):
        self.warden = warden
        self.callback = callback
        self.callback6 = callback6  # the client on ::1 (case 8), None when ::1 could not be bound
        self.no_callback6 = no_callback6  # why not
        self.browser = browser
        self.driver = browser.driver
        self.metadata = json.load(urllib.request.urlopen(warden.issuer + "/.well-known/oauth-authorization-server", timeout=10))
        self.refused = {}  # (target, label) -> the CLI's refusal
        self.strangers = 0

    def authorize_url(self, client_id="browser-web", redirect_uri=None, scope="profile.read orders.write", state=None, challenge=None):
        params = {"response_type": "code", "client_id": client_id,
                  "redirect_uri": self.callback.redirect_uri if redirect_uri is None else redirect_uri,
                  "scope": scope, "state": secrets.token_urlsafe(16) if state is None else state,
                  "code_challenge": challenge or pkce()[1], "code_challenge_method": "S256"}
        return self.metadata["authorization_endpoint"] + "?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)

    def stranger(self):
        """A user name nobody has: wrong-password attempts never add up on one account."""
        self.strangers += 1
        return f"mallory-{self.strangers}"

    def on_warden(self):
        return urllib.parse.urlsplit(self.driver.current_url).netloc == urllib.parse.urlsplit(self.warden.issuer).netloc

    def redeem(self, code, verifier, client_id="browser-web", redirect_uri=None):
        body = urllib.parse.urlencode({"grant_type": "authorization_code", "code": code, "client_id": client_id,
                                       "redirect_uri": self.callback.redirect_uri if redirect_uri is None else redirect_uri,
                                       "code_verifier": verifier}).encode()
        request = urllib.request.Request(self.metadata["token_endpoint"], data=body,
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def to_consent(self, state, challenge, shots=("login", "consent")):
        self.browser.open_login(self.authorize_url(state=state, challenge=challenge))
        if shots[0]:
            self.browser.shot(shots[0])
        self.browser.sign_in("alice", ALICE_PASSWORD)
        self.browser.wait_for_consent()
        if shots[1]:
            self.browser.shot(shots[1])

    def decide(self, decision, request_mark, console_mark):
        """Presses Allow or Deny; waits until the client got a request or the console shows a CSP refusal."""
        self.driver.find_element(By.CSS_SELECTOR, f"button[value={decision}]").click()
        try:
            self.browser.wait(lambda d: self.callback.since(request_mark) or self.browser.csp_violations(console_mark))
        except TimeoutException:
            pass
        try:  # the page the browser ends on (the client's, or Chromium's error page)
            self.browser.wait(lambda d: d.execute_script("return document.readyState") == "complete", timeout=5)
        except TimeoutException:
            pass

    def redirect_query(self, request_mark):
        """The query the client's redirect URI got: from the client if the browser went there, else
        from the redirect the server answered (the network log), saying which."""
        hits = self.callback.since(request_mark)
        if hits:
            return dict(urllib.parse.parse_qsl(hits[0]["query"])), "the client's callback server"
        for location in self.browser.redirect_locations():
            if location.startswith(self.callback.redirect_uri):
                return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query)), \
                    "the server's redirect Location only: the browser never reached the client"
        return {}, "nowhere: no request reached the client and no redirect to it was seen"

    # 1 and 2

    def sign_in_and_allow(self):
        title = "1. sign in, consent, Allow"
        verifier, challenge = pkce()
        state = secrets.token_urlsafe(16)
        console_mark, request_mark = self.browser.console_mark(), self.callback.mark()
        self.browser.drain_network()
        self.to_consent(state, challenge)
        items = [item.text for item in self.driver.find_elements(By.CSS_SELECTOR, "li")]
        check(f"{title}: the consent page lists the scopes by description",
              any("Read your profile." in i for i in items) and any("Place orders on your behalf." in i for i in items), items)
        self.decide("allow", request_mark, console_mark)
        self.browser.shot("after-allow")
        query, source = self.redirect_query(request_mark)
        if not source.startswith("the client"):
            note(f"(redirect seen in {source})")
        check(f"{title}: the redirect to the client carries code, the same state and iss",
              query.get("code") and query.get("state") == state and query.get("iss") == self.warden.issuer == self.metadata["issuer"],
              f"{query} from {source}")
        status, token = self.redeem(query.get("code", ""), verifier)
        check(f"{title}: the code redeems (PKCE S256) for an access token",
              status == 200 and isinstance(token, dict) and token.get("access_token") and token.get("token_type", "").lower() == "bearer",
              f"{status} {token}")
        violations = self.browser.csp_violations(console_mark)
        check(f"{title}: no Content Security Policy violation in the console", not violations, violations)

    def deny(self):
        title = "2. sign in, consent, Deny"
        state = secrets.token_urlsafe(16)
        console_mark, request_mark = self.browser.console_mark(), self.callback.mark()
        self.browser.drain_network()
        self.to_consent(state, pkce()[1], shots=(None, None))
        self.decide("deny", request_mark, console_mark)
        self.browser.shot("after-deny")
        query, source = self.redirect_query(request_mark)
        if not source.startswith("the client"):
            note(f"(redirect seen in {source})")
        check(f"{title}: the redirect to the client carries error=access_denied and the same state",
              query.get("error") == "access_denied" and query.get("state") == state and "code" not in query, f"{query} from {source}")
        violations = self.browser.csp_violations(console_mark)
        check(f"{title}: no Content Security Policy violation in the console", not violations, violations)

    # 3

    def wrong_password(self):
        title = "3. wrong password"
        console_mark, request_mark = self.browser.console_mark(), self.callback.mark()
        self.browser.open_login(self.authorize_url())
        self.browser.sign_in("alice", "not-the-password")
        alert = self.browser.wait_for_alert()
        self.browser.shot("login-wrong-password")
        path = urllib.parse.urlsplit(self.driver.current_url).path
        check(f"{title}: stays on the sign-in page (/oauth2/authorize) with a visible error (role=alert)",
              self.on_warden() and path == "/oauth2/authorize" and alert.is_displayed() and alert.text.strip()
              and self.driver.find_elements(By.ID, "password"),
              f"URL {self.driver.current_url}, alert {alert.text!r}")
        note(f"(the alert says {alert.text.strip()!r})")
        check(f"{title}: no request reaches the client", not self.callback.since(request_mark), self.callback.since(request_mark))
        violations = self.browser.csp_violations(console_mark)
        check(f"{title}: no Content Security Policy violation in the console", not violations, violations)

    # 4

    def refused_requests(self):
        cases = [
            ("unknown client_id", self.authorize_url(client_id="no-such-client")),
            ("redirect_uri not registered (other path)", self.authorize_url(redirect_uri=self.callback.base + "/elsewhere")),
            ("redirect_uri not registered (other origin)", self.authorize_url(redirect_uri="http://127.0.0.1:9/cb")),
        ]
        for label, url in cases:
            title = f"4. {label}"
            request_mark = self.callback.mark()
            self.driver.get(url)
            alert = self.browser.wait_for_alert()
            self.browser.shot(f"error-{label}")
            heading = self.driver.find_element(By.TAG_NAME, "h1").text
            check(f"{title}: an error page on the authorization server, no sign-in form",
                  self.on_warden() and "cannot be completed" in heading and alert.text.strip() and not self.driver.find_elements(By.ID, "password"),
                  f"URL {self.driver.current_url}, heading {heading!r}")
            note(f"(the page says {alert.text.strip()!r})")
            check(f"{title}: the client receives nothing", not self.callback.since(request_mark), self.callback.since(request_mark))

    # 5

    def framing(self):
        title = "5. framing"
        url = self.authorize_url()
        for label, page in (("sign-in page", url), ("error page", self.authorize_url(client_id="no-such-client"))):
            try:
                response = urllib.request.urlopen(page, timeout=10)
            except urllib.error.HTTPError as error:
                response = error
            policy = response.headers.get("Content-Security-Policy", "")
            check(f"{title}: the {label} answers X-Frame-Options: DENY and CSP frame-ancestors 'none'",
                  response.headers.get("X-Frame-Options", "").upper() == "DENY"
                  and re.search(r"(^|;)\s*frame-ancestors\s+'none'\s*(;|$)", policy),
                  f"X-Frame-Options {response.headers.get('X-Frame-Options')!r}, CSP {policy!r}")
        console_mark = self.browser.console_mark()
        self.driver.get(self.callback.base + "/frame?src=" + urllib.parse.quote(url, safe=""))
        self.browser.wait(lambda d: d.execute_script("return window.signinLoaded === true && window.controlLoaded === true"))
        self.browser.shot("framed-by-another-origin")
        self.driver.switch_to.frame(self.driver.find_element(By.ID, "control"))
        control = self.driver.find_elements(By.ID, "control")
        self.driver.switch_to.default_content()
        self.driver.switch_to.frame(self.driver.find_element(By.ID, "signin"))
        inside = self.driver.find_elements(By.TAG_NAME, "form") + self.driver.find_elements(By.ID, "password")
        frame_url = self.driver.execute_script("return location.href")
        self.driver.switch_to.default_content()
        check(f"{title}: a page of the client's origin in the same page is shown (control)", bool(control))
        check(f"{title}: no sign-in form inside the frame", not inside, f"the frame shows {frame_url} with a form")
        refusals = [m for m in self.browser.csp_violations(console_mark) if "frame-ancestors" in m]
        note(f"(the frame holds {frame_url}; console: {refusals[0] if refusals else 'no frame-ancestors message'})")

    # 6

    def verify_page(self, title, where, console_mark):
        problems = injected(self.driver)
        for kind, selector, expected in where:
            if not self.driver.execute_script(SHOWN, selector, kind, expected):
                problems.append(f"{expected!r} is not the {'value' if kind == 'value' else 'visible text'} of {selector}")
        if not self.on_warden():
            problems.append(f"the browser left the authorization server: {self.driver.current_url}")
        problems += [f"console: {m}" for m in self.browser.csp_violations(console_mark)]
        check(title, not problems, "; ".join(problems))

    def three_pages(self, prefix, url, login_where, consent_where=None, user=("alice", ALICE_PASSWORD), error_user=None):
        """The sign-in page (GET), the sign-in error page and the consent page (POST) of one request."""
        slug = prefix.replace("6. ", "xss ")
        console_mark = self.browser.console_mark()
        self.browser.open_login(url)
        self.browser.shot(f"{slug} login")
        self.verify_page(f"{prefix}: sign-in page (GET)", login_where, console_mark)
        console_mark = self.browser.console_mark()
        self.browser.sign_in(error_user or self.stranger(), "wrong-password-xss")
        self.browser.wait_for_alert()
        self.browser.shot(f"{slug} sign-in error")
        self.verify_page(f"{prefix}: sign-in error page (POST)", login_where, console_mark)
        console_mark = self.browser.console_mark()
        self.browser.sign_in(*user)
        self.browser.wait_for_consent()
        self.browser.shot(f"{slug} consent")
        self.verify_page(f"{prefix}: consent page (POST)", login_where if consent_where is None else consent_where, console_mark)

    def refused_at_registration(self, prefix, target, label):
        message = self.refused[(target, label)].splitlines()[0] if self.refused[(target, label)] else ""
        check(f"{prefix}: refused at registration ({message})", True)

    def injection_control(self):
        for label, payload in PAYLOADS:
            self.driver.get(self.callback.base + "/vulnerable?p=" + urllib.parse.quote(payload, safe=""))
            self.browser.wait(lambda d: d.execute_script("return document.readyState") == "complete")
            self.browser.shot(f"control unescaped {label}")
            check(f"6. control: the probe notices {label} on a page that does not escape it", injected(self.driver))

    def xss_state(self, label, payload):
        self.three_pages(f"6. state {label}", self.authorize_url(state=payload), [("value", "input[name=state]", payload)])

    def xss_redirect_uri(self, label, payload):
        prefix = f"6. redirect_uri {label}"
        if ("redirect_uri", label) in self.refused:
            return self.refused_at_registration(prefix, "redirect_uri", label)
        uri = self.callback.redirect_uri + "?p=" + payload
        self.three_pages(prefix, self.authorize_url(client_id=f"xss-redirect-{label}", redirect_uri=uri, scope="profile.read"),
                         [("value", "input[name=redirect_uri]", uri)])

    def xss_client_id(self, label, payload):
        prefix = f"6. client_id {label}"
        if ("client_id", label) in self.refused:
            self.refused_at_registration(prefix, "client_id", label)
            # What reaches a page: the unknown client's error page.
            console_mark = self.browser.console_mark()
            self.driver.get(self.authorize_url(client_id=payload, scope="profile.read"))
            self.browser.wait_for_alert()
            self.browser.shot(f"xss client_id {label} error page")
            return self.verify_page(f"{prefix}: the unknown client's error page", [], console_mark)
        self.three_pages(prefix, self.authorize_url(client_id=payload, scope="profile.read"),
                         [("text", "strong", payload), ("value", "input[name=client_id]", payload)])

    def xss_user(self, label, payload):
        prefix = f"6. user name {label}"
        if ("user", label) in self.refused:
            self.refused_at_registration(prefix, "user", label)
            # What reaches a page: the name typed into the sign-in form (the error page).
            console_mark = self.browser.console_mark()
            self.browser.open_login(self.authorize_url(scope="profile.read"))
            self.browser.sign_in(payload, ALICE_PASSWORD)
            self.browser.wait_for_alert()
            self.browser.shot(f"xss user name {label} sign-in error")
            return self.verify_page(f"{prefix}: sign-in error page (POST) for the unknown name", [], console_mark)
        self.three_pages(prefix, self.authorize_url(scope="profile.read"), [], consent_where=[("text", "strong", payload)],
                         user=(payload, ALICE_PASSWORD), error_user=payload)

    def xss_scope(self, label, payload):
        prefix = f"6. scope {label}"
        if ("scope", label) in self.refused:
            self.refused_at_registration(prefix, "scope", label)
            # What reaches a page: nothing, the unknown scope goes back to the client as invalid_scope.
            request_mark = self.callback.mark()
            self.driver.get(self.authorize_url(client_id="xss-scope", scope=payload))
            self.browser.wait(lambda d: self.callback.since(request_mark))
            self.browser.shot(f"xss scope {label} invalid scope")
            query = dict(urllib.parse.parse_qsl(self.callback.since(request_mark)[0]["query"]))
            return check(f"{prefix}: the request naming it goes back to the client as invalid_scope, on no page",
                         query.get("error") == "invalid_scope" and not self.on_warden(), query)
        self.three_pages(prefix, self.authorize_url(client_id="xss-scope", scope=payload),
                         [("value", "input[name=scope]", payload)],
                         consent_where=[("value", "input[name=scope]", payload), ("text", "code", payload)])

    def xss_scope_description(self, index, label, payload):
        prefix = f"6. scope description {label}"
        console_mark = self.browser.console_mark()
        self.browser.open_login(self.authorize_url(client_id="xss-scope", scope=f"xss.description.{index}"))
        self.browser.sign_in("alice", ALICE_PASSWORD)
        self.browser.wait_for_consent()
        self.browser.shot(f"xss scope description {label} consent")
        self.verify_page(f"{prefix}: consent page (POST)", [("text", "li", payload)], console_mark)

    # 7

    def lands_on_client(self, decision):
        title = f"7. after {decision.capitalize()} the browser's final URL is the redirect URI"
        console_mark, request_mark = self.browser.console_mark(), self.callback.mark()
        self.to_consent(secrets.token_urlsafe(16), pkce()[1], shots=(None, None))
        self.driver.find_element(By.CSS_SELECTOR, f"button[value={decision}]").click()
        try:
            self.browser.wait(lambda d: d.current_url.startswith(self.callback.redirect_uri + "?")
                              and d.execute_script("return document.readyState") == "complete"
                              or self.browser.csp_violations(console_mark))
        except TimeoutException:
            pass
        self.browser.shot(f"final-after-{decision}")
        url = self.driver.current_url
        expected = "code=" if decision == "allow" else "error=access_denied"
        on_callback_page = url.startswith(self.callback.redirect_uri + "?") and expected in url \
            and self.driver.find_elements(By.XPATH, "//h1[text()='Callback received']")
        violations = self.browser.csp_violations(console_mark)
        check(title, on_callback_page and self.callback.since(request_mark),
              f"final URL {url}; the client got {len(self.callback.since(request_mark))} request(s); console: {violations}")

    # 8

    def ipv6_loopback(self):
        """Allow on a client whose redirect URI is `http://[::1]:PORT/cb` (RFC 8252 §7.3). A CSP
        source expression cannot name an IPv6 literal (Chromium ignores `http://[::1]:PORT` as an
        invalid source), so the consent form's `form-action` must allow the redirect otherwise."""
        title = "8. IPv6 loopback redirect URI"
        if self.callback6 is None:
            return skip(f"{title}: the browser ends on http://[::1]:PORT/cb with code, state and iss", self.no_callback6)
        callback = self.callback6
        verifier, challenge = pkce()
        state = secrets.token_urlsafe(16)
        url = self.authorize_url(client_id="browser-ipv6", redirect_uri=callback.redirect_uri, scope="profile.read",
                                 state=state, challenge=challenge)
        try:
            policy = urllib.request.urlopen(url, timeout=10).headers.get("Content-Security-Policy", "")
        except urllib.error.HTTPError as error:
            policy = error.headers.get("Content-Security-Policy", "")
        form_action = re.search(r"form-action[^;]*", policy)
        note(f"(the sign-in page's policy says {form_action.group(0) if form_action else 'no form-action'!r})")
        console_mark, request_mark = self.browser.console_mark(), callback.mark()
        self.browser.open_login(url)
        self.browser.shot("ipv6 login")
        self.browser.sign_in("alice", ALICE_PASSWORD)
        self.browser.wait_for_consent()
        self.browser.shot("ipv6 consent")
        self.driver.find_element(By.CSS_SELECTOR, "button[value=allow]").click()
        try:
            self.browser.wait(lambda d: d.current_url.startswith(callback.redirect_uri + "?")
                              and d.execute_script("return document.readyState") == "complete"
                              or self.browser.csp_violations(console_mark))
        except TimeoutException:
            pass
        self.browser.shot("ipv6 after allow")
        final = self.driver.current_url
        hits = callback.since(request_mark)
        on_callback_page = final.startswith(callback.redirect_uri + "?") \
            and self.driver.find_elements(By.XPATH, "//h1[text()='Callback received']")
        check(f"{title}: the browser's final URL is {callback.redirect_uri}?…, the client on ::1 got the request",
              on_callback_page and hits, f"final URL {final}; the client got {len(hits)} request(s)")
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(final).query))
        check(f"{title}: the final URL carries code, the same state and iss",
              query.get("code") and query.get("state") == state and query.get("iss") == self.warden.issuer, query)
        status, token = self.redeem(query.get("code", ""), verifier, client_id="browser-ipv6", redirect_uri=callback.redirect_uri)
        check(f"{title}: the code redeems (PKCE S256) for an access token",
              status == 200 and isinstance(token, dict) and token.get("access_token"), f"{status} {token}")
        violations = self.browser.csp_violations(console_mark)
        check(f"{title}: no Content Security Policy violation in the console", not violations, violations)

    # The budget

    def failed_sign_in_budget(self):
        """Counts the run's failed authentications in the audit log: every one the server counted
        against the address (all from 127.0.0.1), and any refused because something was locked out."""
        events = json.loads(self.warden.cli("audit", "--json", "--limit", "100000").stdout)
        failed = [e for e in events if e.get("event") in ("user.authentication_failed", "client.authentication_failed")]
        locked = [e for e in failed if (e.get("detail") or "").startswith("locked out")]
        counted = [e for e in failed if e not in locked and e.get("detail") != "disabled user"]
        note(f"(failed authentications this run: {len(counted)} counted against the address, "
             f"{len(locked)} refused as locked out; the server locks an address out after {ADDRESS_LOCKOUT})")
        check(f"budget: the run's failed sign-ins stay within {FAILED_SIGN_IN_BUDGET} (the address lockout is at {ADDRESS_LOCKOUT})",
              len(counted) <= FAILED_SIGN_IN_BUDGET,
              f"{len(counted)} failed sign-ins: make fewer wrong-password submissions, or run some cases on a second `warden serve`")
        check("budget: no sign-in was refused as locked out", not locked,
              f"{len(locked)} sign-in(s) were refused as locked out ({sorted({e.get('sub') or e.get('client_id') for e in locked})}):"
              " a failed case after that saying 'Incorrect username or password' is the lockout, not the page")


def register(warden, callback, refused, callback6=None):
    """Scopes, clients and users through the CLI; names the CLI refuses are recorded, not fatal."""
    cli = warden.cli
    cli("scope", "create", "profile.read", "--description", "Read your profile.")
    cli("scope", "create", "orders.write", "--description", "Place orders on your behalf.")
    cli("client", "create", "browser-web", "--public", "--grant", "authorization_code", "--scope", "profile.read",
        "--scope", "orders.write", "--redirect-uri", callback.redirect_uri, "--audience", "orders")
    alice_scopes = ["--scope", "profile.read", "--scope", "orders.write"]
    payload_scopes = []
    for index, (label, payload) in enumerate(PAYLOADS):
        cli("scope", "create", f"xss.description.{index}", "--description", payload)
        payload_scopes += ["--scope", f"xss.description.{index}"]
        attempts = {
            "scope": ["scope", "create", payload, "--description", "A scope named by a payload."],
            "client_id": ["client", "create", payload, "--public", "--grant", "authorization_code", "--scope", "profile.read",
                          "--redirect-uri", callback.redirect_uri, "--audience", "orders"],
            "redirect_uri": ["client", "create", f"xss-redirect-{label}", "--public", "--grant", "authorization_code",
                             "--scope", "profile.read", "--redirect-uri", callback.redirect_uri + "?p=" + payload, "--audience", "orders"],
            "user": ["user", "create", payload, "--password-stdin", "--scope", "profile.read", "--bcrypt-cost", "4"],
        }
        for target, args in attempts.items():
            output = cli(*args, stdin=ALICE_PASSWORD + "\n", check=False)
            if output.returncode != 0:
                refused[(target, label)] = output.stderr.strip()
            elif target == "scope":
                payload_scopes += ["--scope", payload]
    if callback6 is not None:
        cli("client", "create", "browser-ipv6", "--public", "--grant", "authorization_code", "--scope", "profile.read",
            "--redirect-uri", callback6.redirect_uri, "--audience", "orders")
    cli("client", "create", "xss-scope", "--public", "--grant", "authorization_code", *payload_scopes,
        "--redirect-uri", callback.redirect_uri, "--audience", "orders")
    cli("user", "create", "alice", "--password-stdin", *alice_scopes, *payload_scopes, "--bcrypt-cost", "4", stdin=ALICE_PASSWORD + "\n")


class CaseTimeout(Exception):
    pass


def on_alarm(signum, frame):
    raise CaseTimeout(f"the case took longer than {CASE_TIMEOUT} s")


def on_terminate(signum, frame):
    sys.exit(128 + signum)  # unwinds through the finally blocks: the server and Chromium stop


def run_case(browser, title, function, *args):
    try:
        browser.poll_console()  # what came so far belongs to the case before
    except Exception:
        pass
    browser.case = title
    signal.alarm(CASE_TIMEOUT)
    try:
        function(*args)
    except Exception as error:  # any unexpected failure is a failed check, with its reason and where
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == __file__]
        where = f" (line {frames[-1].lineno}: {frames[-1].line})" if frames else ""
        message = str(error).strip().split("\n")[0][:300]
        try:
            page = f"; the browser shows {browser.driver.current_url} {browser.driver.title!r}"
        except Exception:
            page = ""
        check(f"{title}: no unexpected error", False, f"{type(error).__name__}: {message}{where}{page}")
        try:
            browser.shot(f"unexpected {title}")
        except Exception:
            pass
    finally:
        signal.alarm(0)


def main():
    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_terminate)
    screenshots = os.environ.get("WARDEN_BROWSER_SCREENSHOTS") or tempfile.mkdtemp(prefix="warden-browser-screenshots-")
    os.makedirs(screenshots, exist_ok=True)
    print(f"screenshots: {screenshots}", flush=True)
    workdir = tempfile.mkdtemp(prefix="warden-browser-")
    warden = Warden(workdir)
    callback = Callback()
    callback6, no_callback6 = None, ""
    try:
        callback6 = Callback("::1")
    except OSError as error:
        no_callback6 = f"the IPv6 loopback ::1 cannot be bound here: {error}"
    browser = None
    try:
        refused = {}
        register(warden, callback, refused, callback6)
        warden.start()
        browser = Browser(screenshots)
        run = Run(warden, callback, browser, callback6, no_callback6)
        run.refused = refused
        run_case(browser, "1. sign in, consent, Allow", run.sign_in_and_allow)
        run_case(browser, "2. sign in, consent, Deny", run.deny)
        run_case(browser, "3. wrong password", run.wrong_password)
        run_case(browser, "4. unknown client or redirect URI", run.refused_requests)
        run_case(browser, "5. framing", run.framing)
        run_case(browser, "6. control", run.injection_control)
        for index, (label, payload) in enumerate(PAYLOADS):
            run_case(browser, f"6. state {label}", run.xss_state, label, payload)
            run_case(browser, f"6. scope {label}", run.xss_scope, label, payload)
            run_case(browser, f"6. scope description {label}", run.xss_scope_description, index, label, payload)
            run_case(browser, f"6. redirect_uri {label}", run.xss_redirect_uri, label, payload)
            run_case(browser, f"6. client_id {label}", run.xss_client_id, label, payload)
            run_case(browser, f"6. user name {label}", run.xss_user, label, payload)
        run_case(browser, "7. Allow", run.lands_on_client, "allow")
        run_case(browser, "7. Deny", run.lands_on_client, "deny")
        run_case(browser, "8. IPv6 loopback redirect URI", run.ipv6_loopback)
        run_case(browser, "budget", run.failed_sign_in_budget)
        browser.case = "end"
        browser.poll_console()
    except Exception as error:
        check("no unexpected error", False, f"{type(error).__name__}: {str(error).strip()[:800]}")
    finally:
        if browser is not None:
            messages = []
            for case, level, message in browser.console:
                if (case, message) not in [(c, m) for c, _, m in messages]:
                    messages.append((case, level, message))
            print("console messages seen:" if messages else "console messages seen: none")
            for case, level, message in messages:
                print(f"  [{case}] {level} {message}")
            try:
                browser.quit()
            except Exception:
                pass
        warden.stop()
        callback.server.shutdown()
        if callback6 is not None:
            callback6.server.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"screenshots: {screenshots}")
    skipped = f", {results['skipped']} skipped" if results["skipped"] else ""
    print(f"browser: {results['passed']} passed, {results['failed']} failed{skipped}")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
