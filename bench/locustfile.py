"""The simulated social workers of `make load` (run by bench/load.py; not on its own).

Each simulated user is a different social worker of the demo municipality, signs in once through the sign-in
form (CSRF token and all), and then works in the households of their own team: 50 % the team caseload, 25 % a
household page, 15 % the API household list, 10 % logging a phone contact of today with a duration. The
measurement starts when every user has signed in (the statistics are reset then) and lasts `LOAD_DURATION`
seconds; the sign-ins are reported apart. The results go to `LOAD_RESULT` (JSON).

The server runs the production settings unchanged (secure cookies, HTTPS redirect, HSTS). The load client
stands in for the TLS proxy in front of it: it sends `X-Forwarded-Proto: https` (the header production trusts,
SECURE_PROXY_SSL_HEADER) with the matching Origin and Referer, and its cookie jar sends the Secure cookies over
the loopback connection (a cookie policy that counts this plain-HTTP hop as secure, as the proxy's would be).

Environment: LOAD_PLAN (JSON of accounts and their team's households, written by bench/load.py), LOAD_USERS,
LOAD_RATE (requests a second offered by all users together; 0 = each user as fast as the server answers),
LOAD_DURATION, LOAD_RESULT, LOAD_PASSWORD, LOAD_APP_PID and LOAD_DB_PID (for the CPU each used).
"""

import datetime
import json
import os
import random
import time
import zoneinfo
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path

import gevent
from locust import FastHttpUser, constant, constant_throughput, events, task
from locust.exception import StopUser

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
USERS = int(os.environ.get("LOAD_USERS", "100"))
RATE = float(os.environ.get("LOAD_RATE", "300"))
DURATION = float(os.environ.get("LOAD_DURATION", "60"))
LOGIN_TIMEOUT = float(os.environ.get("LOAD_LOGIN_TIMEOUT", "600"))
RESULT = Path(os.environ["LOAD_RESULT"])
PASSWORD = os.environ.get("LOAD_PASSWORD", "wijkkracht-demo")
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
#: Contact kinds that took place (a no-show would need no duration; a planned one a future date).
KINDS = ("phone", "home_visit", "office", "digital")

state: dict = {
    "next": 0,
    "signed_in": 0,
    "sign_in_failed": 0,
    "sign_in_error": "",
    "sign_in_ms": [],
    "started": None,
    "cpu": None,
}


def _ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def cpu_snapshot() -> dict[str, float]:
    """CPU seconds so far of the app server, the database server (each with its children), this load
    generator, and the whole machine."""
    hz = os.sysconf("SC_CLK_TCK")
    roots = {"app": int(os.environ.get("LOAD_APP_PID", "0")), "database": int(os.environ.get("LOAD_DB_PID", "0"))}
    totals = dict.fromkeys(roots, 0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        for name, root in roots.items():
            if root and (pid == root or _parent(pid) == root):
                totals[name] += _ticks(pid)
    snapshot = {name: ticks / hz for name, ticks in totals.items()}
    snapshot["load generator"] = _ticks(os.getpid()) / hz
    cpu_line = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    busy = sum(int(value) for index, value in enumerate(cpu_line[:8]) if index not in (3, 4))  # minus idle, iowait
    snapshot["machine"] = busy / hz
    return snapshot


def _start_measuring(environment) -> None:
    state["started"] = time.time()
    state["cpu"] = cpu_snapshot()
    environment.runner.stats.reset_all()
    gevent.spawn_later(DURATION, _finish, environment)


def _finish(environment) -> None:
    elapsed = time.time() - state["started"]
    cpu_end = cpu_snapshot()
    stats = environment.runner.stats

    def entry(item) -> dict:
        return {
            "requests": item.num_requests,
            "failures": item.num_failures,
            "rps": item.num_requests / elapsed,
            "p50": item.get_response_time_percentile(0.5),
            "p95": item.get_response_time_percentile(0.95),
            "p99": item.get_response_time_percentile(0.99),
            "max": item.max_response_time,
            "mean": item.avg_response_time,
        }

    sign_in = sorted(state["sign_in_ms"])
    result = {
        "seconds": elapsed,
        "total": entry(stats.total),
        "by_name": {f"{item.method} {item.name}": entry(item) for item in stats.entries.values()},
        "errors": [
            {"what": f"{error.method} {error.name}", "error": str(error.error), "count": error.occurrences}
            for error in stats.errors.values()
        ],
        "cpu_seconds": {name: cpu_end[name] - state["cpu"][name] for name in cpu_end},
        "sign_in": {
            "count": len(sign_in),
            "failed": state["sign_in_failed"],
            "p50": sign_in[len(sign_in) // 2] if sign_in else None,
            "max": sign_in[-1] if sign_in else None,
        },
    }
    RESULT.write_text(json.dumps(result, indent=2))
    environment.runner.quit()


def _wait_for_sign_ins(environment) -> None:
    deadline = time.time() + LOGIN_TIMEOUT
    while state["signed_in"] + state["sign_in_failed"] < USERS:
        if state["sign_in_failed"]:
            message = f"{state['sign_in_failed']} sign-in(s) failed (first: {state['sign_in_error']})"
            RESULT.write_text(json.dumps({"error": message}))
            environment.runner.quit()
            return
        if time.time() > deadline:
            RESULT.write_text(json.dumps({"error": f"not every user signed in within {LOGIN_TIMEOUT:.0f} s"}))
            environment.runner.quit()
            return
        gevent.sleep(0.2)
    _start_measuring(environment)


@events.test_start.add_listener
def _on_test_start(environment, **_kwargs) -> None:
    gevent.spawn(_wait_for_sign_ins, environment)


class SocialWorker(FastHttpUser):
    wait_time = constant_throughput(RATE / USERS) if RATE > 0 else constant(0)
    # One TCP connection per user, as a browser keeps one.
    concurrency = 1
    network_timeout = 120.0
    connection_timeout = 120.0

    def on_start(self) -> None:
        accounts = PLAN["accounts"]
        self.account = accounts[state["next"] % len(accounts)]
        state["next"] += 1
        origin = self.host.replace("http://", "https://")
        self.secure_headers = {"X-Forwarded-Proto": "https", "Origin": origin}
        self.origin = origin
        self.households = self.account["households"]
        # The TLS proxy's hop is missing here: let the jar send the Secure cookies over the loopback.
        self.client.cookiejar.set_policy(DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))
        started = time.perf_counter()
        self.client.get("/inloggen/", headers=self.secure_headers, name="sign in (form)")
        response = self.client.post(
            "/inloggen/",
            data={
                "username": self.account["username"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": self._csrf_token(),
            },
            headers={**self.secure_headers, "Referer": f"{origin}/inloggen/"},
            allow_redirects=False,
            name="sign in",
        )
        if response.status_code != 302 or "/inloggen/" in (response.headers.get("Location") or ""):
            state["sign_in_failed"] += 1
            state["sign_in_error"] = state["sign_in_error"] or (
                f"{self.account['username']}: HTTP {response.status_code} {response.headers.get('Location') or ''}"
            )
            raise StopUser
        state["sign_in_ms"].append((time.perf_counter() - started) * 1000)
        state["signed_in"] += 1

    def _csrf_token(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value or ""
        return ""

    def _get(self, url: str, name: str) -> None:
        self.client.get(url, headers=self.secure_headers, name=name)

    @task(50)
    def caseload(self) -> None:
        self._get("/huishoudens/team/", "caseload")

    @task(25)
    def household(self) -> None:
        self._get(f"/huishoudens/{random.choice(self.households)}/", "household page")

    @task(15)
    def api_list(self) -> None:
        self._get("/api/v1/households/", "API household list")

    @task(10)
    def contact(self) -> None:
        household_id = random.choice(self.households)
        url = f"/huishoudens/{household_id}/contacten/nieuw/"
        with self.client.post(
            url,
            data={
                "kind": random.choice(KINDS),
                "date": datetime.datetime.now(AMSTERDAM).date().isoformat(),
                "duration_minutes": str(random.choice((15, 30, 45, 60))),
                "note": "Belafspraak nagelopen (belastingtest).",
                "csrfmiddlewaretoken": self._csrf_token(),
            },
            headers={**self.secure_headers, "Referer": f"{self.origin}{url}"},
            allow_redirects=False,
            name="contact POST",
            catch_response=True,
        ) as response:
            # Saved: a redirect to the household page; a 200 is the form again, with errors.
            if response.status_code != 302:
                response.failure(f"contact not saved: HTTP {response.status_code}")
