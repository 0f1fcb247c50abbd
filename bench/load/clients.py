"""The two load processes of a load run: agents browsing the console, a webhook sender.

Owns the HTTP side of bench/load (bench/load/orchestrate.py runs them). Plain `requests` to
127.0.0.1, no Django: the production profile marks cookies Secure and trusts
X-Forwarded-Proto, so the agents send `X-Forwarded-Proto: https` (as the TLS proxy would) and
carry cookies by hand. Each returns raw samples; the orchestrator computes the figures.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import hmac
import json
import random
import re
import threading
import time

HOOK_SECRET = "load-run-webhook-secret"
AGENT_PASSWORD = "load-run-agent-password-7Q"
SEARCHES = ["refund", "bag", "cancelled", "delay", "seat"]
TEXTS = [
    "@AcmeAirCare flight {n} was cancelled and nobody at the desk can rebook me",
    "Acme Air still no refund for booking {code}, it has been three weeks",
    "@AcmeAirCare lost my bag between MAD and BOS on flight {n}, any update?",
    "thanks @AcmeAirCare for the upgrade on {n}, crew were lovely",
    "@AcmeAirCare how do I add a checked bag to {code} after booking?",
    "two hours on the tarmac on {n} with no water. Never again @AcmeAirCare",
    "acme air app charged me twice for seat selection on {code} #fail",
]


class Browser:
    """One agent's HTTP session: cookies by hand, because the production cookies are Secure."""

    def __init__(self, base: str):
        import requests

        self.base = base
        self.http = requests.Session()
        self.http.trust_env = False
        self.cookies: dict[str, str] = {}
        origin = base.replace("http://", "https://")
        self.headers = {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + "/"}

    def request(self, method: str, path: str, **kwargs):
        headers = {**self.headers, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        response = self.http.request(
            method, self.base + path, headers=headers, allow_redirects=False, timeout=30, **kwargs
        )
        for name, value in response.cookies.items():
            self.cookies[name] = value
        self.http.cookies.clear()
        return response


def _login(browser: Browser, username: str, password: str) -> None:
    page = browser.request("GET", "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if page.status_code != 200 or token is None:
        raise RuntimeError(f"login page answered {page.status_code}")
    form = {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
    answer = browser.request("POST", "/accounts/login/", data=form)
    if answer.status_code != 302 or "sessionid" not in browser.cookies:
        raise RuntimeError(f"{username} could not log in ({answer.status_code})")


def _agent_loop(
    number: int,
    username: str,
    base: str,
    password: str,
    deadline: float,
    think: float,
    samples: list,
    error_kinds: list,
    lock,
) -> None:
    rng = random.Random(number)
    browser = Browser(base)

    def timed(page: str, path: str) -> str:
        started = time.perf_counter()
        try:
            response = browser.request("GET", path)
            ok = response.status_code == 200
            kind = "" if ok else f"HTTP {response.status_code}"
        except Exception as error:  # a refused or timed-out request is an error to count, not a crash
            response, ok, kind = None, False, type(error).__name__
        with lock:
            samples.append((page, (time.perf_counter() - started) * 1000, ok))
            if kind:
                error_kinds.append(kind)
        return response.text if ok else ""

    # Agents arrive over the first seconds, as a shift does: fifty sign-ins at once (each a
    # deliberately slow password hash) would measure the hasher, not the console.
    time.sleep(rng.uniform(0, min(10.0, (deadline - time.monotonic()) / 4)))
    started = time.perf_counter()
    try:
        _login(browser, username, password)
        ok = True
    except Exception as error:  # a failed login is an error to count
        ok = False
        with lock:
            error_kinds.append(f"login: {type(error).__name__}")
    with lock:
        samples.append(("login (form + POST)", (time.perf_counter() - started) * 1000, ok))
    if not ok:
        return
    while time.monotonic() < deadline:
        timed("inbox (Mine)", "/console/")
        time.sleep(rng.expovariate(1 / think))
        html = timed("inbox (My teams)", "/console/?view=teams")
        case_ids = re.findall(r'href="/console/cases/(\d+)/"', html)
        if case_ids:
            time.sleep(rng.expovariate(1 / think))
            timed("case page", f"/console/cases/{rng.choice(case_ids)}/")
        roll = rng.random()
        if roll < 0.2:
            cursor = re.search(r"after=([^\"&]+)", html)
            if cursor:
                time.sleep(rng.expovariate(1 / think))
                timed("inbox next page", f"/console/?view=teams&after={cursor.group(1)}&fragment=more")
        elif roll < 0.35:
            time.sleep(rng.expovariate(1 / think))
            timed("inbox search", f"/console/?view=teams&q={rng.choice(SEARCHES)}")
        time.sleep(rng.expovariate(1 / think))


def run_agents(base: str, usernames: list[str], seconds: float, think: float, password: str) -> dict:
    samples: list[tuple[str, float, bool]] = []
    error_kinds: list[str] = []  # why each failed request failed: "HTTP 502", "ReadTimeout", ...
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=_agent_loop,
            args=(n, username, base, password, deadline, think, samples, error_kinds, lock),
            daemon=True,
        )
        for n, username in enumerate(usernames, start=1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return {"samples": samples, "error_kinds": error_kinds}


def hook_bodies(run_id: str, rate: float, per_delivery: int, seconds: float) -> list[bytes]:
    rng = random.Random(run_id)
    bodies = []
    for number in range(int(rate * seconds / per_delivery)):
        posts = []
        for index in range(per_delivery):
            author = rng.randint(1, 20_000)
            text = rng.choice(TEXTS).format(n=rng.randint(100, 2999), code="".join(rng.sample("QWERTYPLMK", 6)))
            posts.append(
                {
                    "external_id": f"load-{run_id}-{number}-{index}",
                    "posted_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "text": text,
                    "author_id": f"load-flyer-{author}",
                    "author_handle": f"flyer{author}",
                    "in_reply_to_handle": "AcmeAirCare",
                }
            )
        bodies.append(json.dumps({"posts": posts}).encode())
    return bodies


def run_hooks(base: str, channel_id: int, run_id: str, rate: float, per_delivery: int, seconds: float) -> dict:
    """Open loop: delivery k is due at start + k / deliveries-per-second, whatever the answers."""
    import requests

    bodies = hook_bodies(run_id, rate, per_delivery, seconds)
    url = f"{base}/webhooks/{channel_id}/"
    local = threading.local()
    results: list[tuple[float, float, int]] = []  # (latency ms, start lag ms, status)
    error_kinds: list[str] = []
    lock = threading.Lock()

    def send(body: bytes, due: float) -> None:
        if not hasattr(local, "http"):
            local.http = requests.Session()
            local.http.trust_env = False
        signature = "sha256=" + hmac.new(HOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
        started = time.perf_counter()
        try:
            status = local.http.post(
                url,
                data=body,
                headers={"Content-Type": "application/json", "X-Socialcrm-Signature": signature},
                timeout=30,
            ).status_code
        except Exception as error:  # counted as an error, by kind
            status = 0
            with lock:
                error_kinds.append(type(error).__name__)
        with lock:
            results.append(((time.perf_counter() - started) * 1000, (started - due) * 1000, status))

    per_second = rate / per_delivery
    with concurrent.futures.ThreadPoolExecutor(max_workers=64) as pool:
        start = time.perf_counter()
        for index, body in enumerate(bodies):
            due = start + index / per_second
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, body, due)
    # Until the last answer: above the planned seconds when the server (or this sender's 64
    # connections) could not keep the rate, and the start lags say by how much.
    answered_seconds = time.perf_counter() - start
    return {
        "results": results,
        "answered_seconds": answered_seconds,
        "posts": len(bodies) * per_delivery,
        "error_kinds": error_kinds,
    }
