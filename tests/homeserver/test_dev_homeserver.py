"""End-to-end tests of scripts/dev-homeserver against the real Synapse it starts.

Run with any Python 3.10+ that has pytest; the tests themselves use the standard library only
(urllib). From the repository root:

    python3 -m pytest tests/homeserver -v

The script installs Synapse into .venv/ on the first run (needs PyPI, about a minute); later runs reuse
it. The server under test gets its own state directory (a pytest tmp dir, via ORIENTATION_HS_DIR) and a
free port (via ORIENTATION_HS_PORT), so it never touches a developer's .dev/homeserver nor port 8008.
Set ORIENTATION_HS_TEST_PORT to force the port.
"""

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "dev-homeserver"
FIRST_START_TIMEOUT = 900  # seconds: includes the first pip install
SCRIPT_TIMEOUT = 120  # seconds: any other run of the script
HTTP_TIMEOUT = 15  # seconds, per request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port):
    with socket.socket() as s:
        s.settimeout(2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def run(env, *args, timeout=SCRIPT_TIMEOUT):
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def script_env(port, state_dir):
    env = dict(os.environ)
    env["ORIENTATION_HS_PORT"] = str(port)
    env["ORIENTATION_HS_DIR"] = str(state_dir)
    return env


class Matrix:
    """A minimal client-server API client over urllib."""

    def __init__(self, base_url, token=None):
        self.base_url = base_url
        self.token = token

    def call(self, method, route, body=None, expect=200):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base_url + route, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT) as r:
                status, payload = r.status, json.load(r)
        except urllib.error.HTTPError as e:
            status, payload = e.code, json.loads(e.read() or b"{}")
        assert status == expect, f"{method} {route}: HTTP {status} {payload}"
        return payload

    def login(self, user, password):
        res = self.call(
            "POST",
            "/_matrix/client/v3/login",
            {
                "type": "m.login.password",
                "identifier": {"type": "m.id.user", "user": user},
                "password": password,
            },
        )
        return Matrix(self.base_url, res["access_token"])

    def send_text(self, room_id, body, txn_id=None):
        txn_id = txn_id or uuid.uuid4().hex
        route = f"/_matrix/client/v3/rooms/{q(room_id)}/send/m.room.message/{txn_id}"
        return self.call("PUT", route, {"msgtype": "m.text", "body": body})["event_id"]

    def texts(self, room_id):
        route = f"/_matrix/client/v3/rooms/{q(room_id)}/messages?dir=b&limit=50"
        chunk = self.call("GET", route)["chunk"]
        return [
            (e["sender"], e["content"].get("body"))
            for e in reversed(chunk)
            if e["type"] == "m.room.message"
        ]


def q(s):
    return urllib.parse.quote(s, safe="")


def register_with_token(base_url, username, password, token):
    """The m.login.registration_token user-interactive flow; returns a logged-in client."""
    anon = Matrix(base_url)
    body = {"username": username, "password": password, "initial_device_display_name": "pytest"}
    challenge = anon.call("POST", "/_matrix/client/v3/register", body, expect=401)
    # Synapse 1.163 offers one flow: registration token, then m.login.dummy.
    (stages,) = [f["stages"] for f in challenge["flows"]]
    assert stages[0] == "m.login.registration_token", challenge
    session = challenge["session"]
    for i, stage in enumerate(stages):
        auth = {"type": stage, "session": session}
        if stage == "m.login.registration_token":
            auth["token"] = token
        last = i == len(stages) - 1
        res = anon.call("POST", "/_matrix/client/v3/register", {**body, "auth": auth}, expect=200 if last else 401)
        if not last:
            assert stage in res["completed"], res
    return Matrix(base_url, res["access_token"]), res["user_id"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = int(os.environ.get("ORIENTATION_HS_TEST_PORT") or free_port())
    state = tmp_path_factory.mktemp("homeserver")
    env = script_env(port, state)
    try:
        res = run(env, "start", timeout=FIRST_START_TIMEOUT)
        assert res.returncode == 0, f"start failed:\n{res.stdout}\n{res.stderr}"
        info = json.loads((state / "env.json").read_text())
        yield {"env": env, "port": port, "state": state, "info": info, "start_output": res.stdout}
    finally:
        stop = run(env, "stop")
        assert stop.returncode == 0, stop.stderr


def test_env_json_describes_the_server(server):
    info = server["info"]
    assert set(info) == {
        "homeserver_url",
        "server_name",
        "advisor_user",
        "advisor_password",
        "registration_token",
        "admin_user",
        "admin_password",
    }
    assert info["homeserver_url"] == f"http://127.0.0.1:{server['port']}"
    assert info["server_name"] == "localhost"
    assert info["advisor_user"] == "@conseil:localhost"
    # Printed at start, and by `env`.
    assert info["registration_token"] in server["start_output"]
    res = run(server["env"], "env")
    assert res.returncode == 0 and json.loads(res.stdout) == info
    status = run(server["env"], "status")
    assert status.returncode == 0 and "running" in status.stdout
    versions = Matrix(info["homeserver_url"]).call("GET", "/_matrix/client/versions")
    assert versions["versions"]


def test_start_twice_is_idempotent(server):
    pid_file = server["state"] / "homeserver.pid"
    pid = pid_file.read_text().strip()
    again = run(server["env"], "start")
    assert again.returncode == 0, again.stderr
    assert "already running" in again.stdout
    assert pid_file.read_text().strip() == pid, "start restarted a running server"
    assert json.loads((server["state"] / "env.json").read_text()) == server["info"]
    assert "created" not in again.stdout  # nothing new: accounts and token already exist


def test_listens_on_loopback_client_api_only(server):
    # No federation listener: the federation and key APIs are not served.
    base = server["info"]["homeserver_url"]
    for route in ("/_matrix/federation/v1/version", "/_matrix/key/v2/server"):
        req = urllib.request.Request(base + route)
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=HTTP_TIMEOUT)
        assert e.value.code in (400, 404), route


def test_registration_requires_a_valid_token(server):
    base = server["info"]["homeserver_url"]
    anon = Matrix(base)
    body = {"username": "sans_jeton", "password": "motdepasse-123"}
    challenge = anon.call("POST", "/_matrix/client/v3/register", body, expect=401)
    # Every way to register goes through the token.
    assert all("m.login.registration_token" in f["stages"] for f in challenge["flows"]), challenge
    wrong = {"type": "m.login.registration_token", "token": "pas-le-bon", "session": challenge["session"]}
    res = anon.call("POST", "/_matrix/client/v3/register", {**body, "auth": wrong}, expect=401)
    assert "access_token" not in res
    assert "m.login.registration_token" not in res.get("completed", []), res
    # Skipping the token stage does not work either.
    dummy = {"type": "m.login.dummy", "session": challenge["session"]}
    res = anon.call("POST", "/_matrix/client/v3/register", {**body, "auth": dummy}, expect=401)
    assert "access_token" not in res


def test_user_and_advisor_exchange_messages(server):
    info = server["info"]
    base = info["homeserver_url"]
    username = "usager_" + uuid.uuid4().hex[:8]
    user, user_id = register_with_token(base, username, "un-mot-de-passe-solide", info["registration_token"])
    assert user_id == f"@{username}:localhost"
    assert user.call("GET", "/_matrix/client/v3/account/whoami")["user_id"] == user_id

    advisor = Matrix(base).login("conseil", info["advisor_password"])
    assert advisor.call("GET", "/_matrix/client/v3/account/whoami")["user_id"] == info["advisor_user"]

    room_id = user.call(
        "POST",
        "/_matrix/client/v3/createRoom",
        {"preset": "private_chat", "is_direct": True, "invite": [info["advisor_user"]]},
    )["room_id"]
    advisor.call("POST", f"/_matrix/client/v3/join/{q(room_id)}", {})

    marker = uuid.uuid4().hex
    question = f"Bonjour, je cherche une formation de boulangère à Lyon ({marker})"
    event_id = user.send_text(room_id, question, txn_id="txn-" + marker)
    # A retry with the same transaction id does not duplicate the message.
    assert user.send_text(room_id, question, txn_id="txn-" + marker) == event_id
    reply = f"Bonjour ! Voici les CAP boulanger près de chez vous ({marker})"
    advisor.send_text(room_id, reply)

    assert advisor.texts(room_id)[-2:] == [(user_id, question), (info["advisor_user"], reply)]
    assert user.texts(room_id)[-2:] == [(user_id, question), (info["advisor_user"], reply)]

    # Warning-level log: no message contents.
    log = (server["state"] / "homeserver.log").read_text(errors="replace")
    assert marker not in log


def test_start_refuses_a_port_used_by_another_program(tmp_path):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        res = run(script_env(port, tmp_path / "hs"), "start")
    assert res.returncode != 0
    assert "already used" in res.stderr, res.stderr
    assert not (tmp_path / "hs" / "homeserver.pid").exists()


def test_start_reports_a_synapse_that_fails_to_start(tmp_path):
    state = tmp_path / "hs"
    (state / "homeserver.db").mkdir(parents=True)  # SQLite cannot open a directory
    res = run(script_env(free_port(), state), "start")
    assert res.returncode != 0
    assert "exited during start-up" in res.stderr, res.stderr
    assert "unable to open database file" in res.stderr  # the log tail is shown
    assert not (state / "homeserver.pid").exists()


def test_stop_closes_the_port_and_restart_keeps_the_accounts(server):
    env, port, info = server["env"], server["port"], server["info"]
    base = info["homeserver_url"]
    username = "usager_" + uuid.uuid4().hex[:8]
    register_with_token(base, username, "un-autre-mot-de-passe", info["registration_token"])

    res = run(env, "stop")
    assert res.returncode == 0, res.stderr
    deadline = time.monotonic() + 10
    while port_open(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not port_open(port), "port still open after stop"
    assert not (server["state"] / "homeserver.pid").exists()
    assert run(env, "status").returncode == 1
    again = run(env, "stop")
    assert again.returncode == 0 and "not running" in again.stdout

    # Warm start: same database, same credentials.
    res = run(env, "start")
    assert res.returncode == 0, f"{res.stdout}\n{res.stderr}"
    assert json.loads((server["state"] / "env.json").read_text()) == info
    Matrix(base).login("conseil", info["advisor_password"])
    Matrix(base).login(username, "un-autre-mot-de-passe")
    # The fixture's finaliser stops it again and checks that stop succeeds.
