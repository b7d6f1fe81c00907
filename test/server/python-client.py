#!/usr/bin/env python3
"""A client of the caf-step-down HTTP service in Python's standard library only.

It mints HS256 bearer tokens with the shared secret (as a council's gateway would), opens a case,
walks it from the step-down decision to the CAF's closure with the events of a journey file, reads
it back, and checks that a refusal is an RFC 9457 problem carrying the library's code.

    python3 python-client.py --base http://127.0.0.1:8080 --secret "$STEP_DOWN_JWT_SECRET" \
        --journey journey.json --case-id C-PY-1

The journey file is JSON: {"opening": {"actor": {...}, "body": {...}}, "steps": [...]}, each step
{"kind": "event", "actor": {"id", "role", "personId"?}, "body": <event without actor>} or
{"kind": "tick", "at": "<ISO 8601>"}. Prints a JSON summary; exits 1 with the reason on failure.
"""
import argparse
import base64
import hashlib
import hmac
import json
import sys
import time
import urllib.error
import urllib.request


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def token(secret: str, actor: dict) -> str:
    """An HS256 JWT naming the actor in the service's default claims: sub, role, person_id."""
    now = int(time.time())
    claims = {"sub": actor["id"], "role": actor["role"], "iat": now, "exp": now + 300}
    if actor.get("personId"):
        claims["person_id"] = actor["personId"]
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64url(json.dumps(claims).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64url(signature)}"


class Client:
    def __init__(self, base: str, secret: str):
        self.base = base.rstrip("/")
        self.secret = secret

    def call(self, method: str, path: str, actor=None, body=None):
        """Returns (status, content type, parsed JSON body). HTTP errors are answers, not exceptions."""
        headers = {"accept": "application/json"}
        data = None
        if actor is not None:
            headers["authorization"] = "Bearer " + token(self.secret, actor)
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["content-type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers.get("content-type", ""), json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("content-type", ""), json.loads(error.read() or b"null")


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def check_problem(status: int, content_type: str, problem: dict, want_status: int, want_code: str) -> None:
    """An RFC 9457 problem: its media type, the members it must have, and the library's code."""
    expect(status == want_status, f"expected HTTP {want_status}, got {status}: {problem}")
    expect(content_type.startswith("application/problem+json"), f"expected a problem body, got {content_type}")
    for member in ("type", "title", "status", "detail", "code"):
        expect(member in problem, f"the problem has no '{member}'")
    expect(problem["status"] == want_status, "the problem's status differs from the HTTP status")
    expect(problem["code"] == want_code, f"expected code {want_code}, got {problem['code']}")


def walk(client: Client, journey: dict, case_id: str) -> dict:
    opening = journey["opening"]
    status, _, view = client.call("POST", "/cases", opening["actor"], {"caseId": case_id, **opening["body"]})
    expect(status == 201, f"opening the case: HTTP {status}: {view}")
    events = 0
    for step in journey["steps"]:
        if step["kind"] == "tick":
            status, _, result = client.call("POST", "/tick", {"id": "scheduler", "role": "system"}, {"at": step["at"]})
            expect(status == 200, f"tick at {step['at']}: HTTP {status}: {result}")
            continue
        status, _, view = client.call("POST", f"/cases/{case_id}/events", step["actor"], step["body"])
        expect(status == 200, f"{step['body']['type']}: HTTP {status}: {view}")
        events += 1
    manager = journey["opening"]["actor"]
    status, _, view = client.call("GET", f"/cases/{case_id}", manager)
    expect(status == 200 and view["outcome"] == "caf-closed", f"expected the CAF closed, got {view.get('outcome')}")

    # The case is closed: closing it again (a new record, its own event id) is refused, as a problem carrying the code.
    last = journey["steps"][-1]
    late = dict(last["body"])
    status, content_type, problem = client.call("POST", f"/cases/{case_id}/events", last["actor"], {**late, "eventId": "py-late"})
    check_problem(status, content_type, problem, 409, "EVENT_NOT_ACCEPTED")
    # No token: 401, and the problem says so.
    status, content_type, unauthenticated = client.call("GET", f"/cases/{case_id}")
    check_problem(status, content_type, unauthenticated, 401, "UNAUTHENTICATED")
    # An actor in the body is refused: the actor is the token's.
    status, content_type, forged = client.call("POST", f"/cases/{case_id}/events", last["actor"], {**late, "actor": manager})
    check_problem(status, content_type, forged, 400, "INVALID_EVENT")
    return {
        "caseId": case_id,
        "events": events,
        "version": view["version"],
        "outcome": view["outcome"],
        "breaches": [breach["rule"] for breach in view["breaches"]],
        "refusal": {"status": problem["status"], "code": problem["code"], "type": problem["type"]},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--journey", required=True)
    parser.add_argument("--case-id", default="C-PY-1")
    args = parser.parse_args()
    with open(args.journey, encoding="utf-8") as handle:
        journey = json.load(handle)
    try:
        summary = walk(Client(args.base, args.secret), journey, args.case_id)
    except AssertionError as failure:
        print(f"python client: {failure}", file=sys.stderr)
        return 1
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
