"""The connection to the local API server, for the kube_*.py checks: $KUBE_HOST
with the bearer token $KUBE_TOKEN, the server verified with the CA in $KUBE_CA.
Every wait is bounded."""
import json
import os
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

OURS = "app.kubernetes.io/part-of=metaflow"
TEST_LABEL = "metaflow-gcp/cluster-test"  # on objects the test itself creates

_ctx = None


def ctx():
    global _ctx
    if _ctx is None:
        _ctx = ssl.create_default_context(cafile=os.environ["KUBE_CA"])
    return _ctx


class ApiError(Exception):
    def __init__(self, code, body):
        super().__init__(f"HTTP {code}: {body[:400]}")
        self.code = code


def call(method, path, body=None, token=None, query=None, content_type="application/json", headers=None):
    url = os.environ["KUBE_HOST"] + path
    if query:
        url += "?" + urllib.parse.urlencode(query)
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Authorization", "Bearer " + (token or os.environ["KUBE_TOKEN"]))
    req.add_header("Accept", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    if data is not None:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, context=ctx(), timeout=30) as r:
            raw = r.read()
            return json.loads(raw) if raw else {}
    except urllib.error.HTTPError as e:
        raise ApiError(e.code, e.read().decode(errors="replace")) from None


def get(path, **kw):
    return call("GET", path, **kw)


def exists(path):
    try:
        get(path)
        return True
    except ApiError as e:
        if e.code == 404:
            return False
        raise


def wait(seconds, what, pred, interval=0.5):
    end = time.monotonic() + seconds
    last = None
    while time.monotonic() < end:
        try:
            if pred():
                return
        except (ApiError, OSError) as e:
            last = e
        time.sleep(interval)
    sys.exit(f"error: timed out after {seconds} s waiting for {what}" + (f" (last error: {last})" if last else ""))


def settle(seconds, probe, done):
    """probe() once a second until done(its result) or `seconds` have passed; returns the last result."""
    end = time.monotonic() + seconds
    while True:
        result = probe()
        if done(result) or time.monotonic() > end:
            return result
        time.sleep(1)


class Check:
    """A check's problems, and what it saw: done() prints them and exits 1 on any problem."""

    def __init__(self):
        self.problems, self.seen = [], []

    def need(self, ok, what):
        if not ok:
            self.problems.append(what)
        return ok

    def done(self, summary):
        for p in self.problems:
            print(f"  PROBLEM {p}")
        if self.problems:
            sys.exit(1)
        print(f"  {summary}")
