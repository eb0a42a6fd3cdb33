"""The advisor chat through the generated Python bindings, against a real Synapse started by
scripts/dev-homeserver (its own port and state directory, stopped at the end). The advisor is the
bindings' test-hooks helper (`test_advisor_login`): a second Matrix client on its own device, which
accepts the app's invitation, decrypts its messages and answers."""

import asyncio
import json
import os
import queue
import socket
import subprocess

import pytest

from conftest import ROOT, new_app, o

SCRIPT = ROOT / "scripts" / "dev-homeserver"
WAIT = 60  # seconds


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def homeserver(tmp_path_factory):
    state = tmp_path_factory.mktemp("synapse")
    env = dict(os.environ, ORIENTATION_HS_PORT=str(free_port()), ORIENTATION_HS_DIR=str(state))
    env.setdefault("ORIENTATION_HS_START_TIMEOUT", "120")
    started = subprocess.run(
        ["bash", str(SCRIPT), "start"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    assert started.returncode == 0, started.stdout + started.stderr
    try:
        yield json.loads((state / "env.json").read_text())
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=env, cwd=ROOT, capture_output=True, timeout=120)


class MemoryTokenStore(o.SecureTokenStore):
    """What the Keychain / Keystore does on a phone, in memory."""

    def __init__(self):
        self.secret = None
        self.saves = 0

    def load(self):
        return self.secret

    def save(self, secret):
        self.secret = secret
        self.saves += 1

    def clear(self):
        self.secret = None


class Logs(o.Logger):
    def __init__(self):
        self.records = []

    def log(self, record):
        self.records.append(record)


class Listener(o.ChatTimelineListener):
    def __init__(self):
        self.updates = queue.Queue()

    def on_update(self, update):
        self.updates.put(update)

    def wait_for(self, what, pick):
        while True:
            try:
                u = self.updates.get(timeout=WAIT)
            except queue.Empty:
                pytest.fail(f"no update: {what}")
            found = pick(u)
            if found is not None:
                return found


def upserted(pred):
    def pick(u):
        if isinstance(u, o.ChatTimelineUpdate.UPSERT) and pred(u.message):
            return u.message
        return None

    return pick


def service(hs):
    return o.ChatService(service_user_id=hs["advisor_user"], registration_token=hs["registration_token"])


def app_with_chat(path, hs):
    app = o.Orientation(
        o.OrientationConfig(
            data_dir=str(path),
            catalogue_source=o.CatalogueSource.OPEN_DATA(dir=str(ROOT / "data")),
            homeserver_url=hs["homeserver_url"],
        )
    )
    return app


def test_send_the_advisor_answers_and_the_listener_gets_it(homeserver, tmp_path):
    hs = homeserver

    async def scenario():
        # The advisor's device exists before the app sends, so the app encrypts for it.
        advisor = await o.test_advisor_login(
            hs["homeserver_url"], hs["advisor_user"], hs["advisor_password"], str(tmp_path / "advisor")
        )
        tokens = MemoryTokenStore()
        app = app_with_chat(tmp_path / "app", hs)
        chat = await app.chat(tokens, service(hs))
        assert await app.chat(tokens, service(hs)) is not None
        user = await chat.connect("Camille")
        assert user.startswith("@") and tokens.saves >= 1
        saved = json.loads(tokens.secret)
        assert saved["user_id"] == user and saved["access_token"]
        secrets.extend(saved[k] for k in ("access_token", "password", "store_passphrase"))
        secrets.append(hs["registration_token"])

        listener = Listener()
        timeline = chat.subscribe(listener)
        first = listener.updates.get(timeout=WAIT)
        assert isinstance(first, o.ChatTimelineUpdate.RESET) and first.messages == []
        running = chat.start()

        outcome = chat.send_text("Bonjour, je cherche une formation de cariste")
        assert outcome.message.state == o.MessageState.SENDING
        assert not outcome.message.is_advisor
        assert outcome.notice

        got = await advisor.next_message(WAIT * 1000)
        assert got is not None and got.sender == user
        assert got.body == "Bonjour, je cherche une formation de cariste"

        listener.wait_for(
            "our message sent",
            upserted(lambda m: m.local_id == outcome.message.local_id and m.state == o.MessageState.SENT),
        )
        await advisor.reply(got.room_id, "Bonjour ! Quelle ville ?")
        answer = listener.wait_for(
            "the advisor's answer", upserted(lambda m: m.is_advisor and m.body == "Bonjour ! Quelle ville ?")
        )
        assert answer.state == o.MessageState.RECEIVED
        assert answer.sender == hs["advisor_user"]

        history = chat.history(None, 50)
        assert [m.body for m in history] == [
            "Bonjour, je cherche une formation de cariste",
            "Bonjour ! Quelle ville ?",
        ]
        assert [m.is_advisor for m in history] == [False, True]
        status = chat.status()
        assert status.user_id == user and status.has_conversation and status.pending == 0

        timeline.cancel()
        running.cancel()
        assert timeline.is_finished()

        # "Delete my conversation": the local history goes at once.
        await chat.delete_conversation()
        assert chat.history(None, 50) == []

    secrets = []
    logs = Logs()
    o.set_logger(logs, o.LogLevel.TRACE)
    try:
        asyncio.run(scenario())
    finally:
        o.clear_logger()
    # Privacy: whatever the chat logs, no message text (ours or the advisor's) reaches the shell's log,
    # and no secret either: access token, password, SDK store passphrase, registration token, and the key
    # of the personal fields (docs/privacy.md).
    key = (tmp_path / "app" / "user.key").read_text().strip()
    secrets.append(key.split(":", 1)[1])
    assert len(secrets) == 5 and all(len(x) >= 8 for x in secrets), "the secrets were collected"
    assert logs.records, "the logger heard nothing: the check below would prove nothing"
    for r in logs.records:
        for text in ("cariste", "Quelle ville", *secrets):
            assert text not in r.message and text not in r.target, r.message


def test_a_second_start_resumes_the_saved_session_without_registering(homeserver, tmp_path):
    hs = homeserver
    tokens = MemoryTokenStore()

    async def first():
        chat = await app_with_chat(tmp_path, hs).chat(tokens, service(hs))
        return await chat.connect(None)

    user = asyncio.run(first())
    saves = tokens.saves

    async def again():
        # A new Orientation over the same data directory and secret: a new process on the phone.
        chat = await app_with_chat(tmp_path, hs).chat(tokens, service(hs))
        assert chat.status().user_id == user
        return await chat.connect(None)

    assert asyncio.run(again()) == user
    assert tokens.saves == saves


def test_bad_input_and_config_are_clear_errors(homeserver, tmp_path):
    hs = homeserver

    async def scenario():
        no_server = new_app(tmp_path / "sans-serveur")
        with pytest.raises(o.OrientationError.InvalidConfig):
            await no_server.chat(MemoryTokenStore(), service(hs))
        chat = await app_with_chat(tmp_path / "app", hs).chat(MemoryTokenStore(), service(hs))
        with pytest.raises(o.OrientationError.InvalidMessage):
            chat.send_text("   ")
        with pytest.raises(o.OrientationError.InvalidMessage):
            chat.send_text("x" * 8001)
        with pytest.raises(o.OrientationError.UnknownMessage):
            chat.discard(424242)
        wrong = o.ChatService(service_user_id=hs["advisor_user"], registration_token="pas-le-bon")
        other = await app_with_chat(tmp_path / "autre", hs).chat(MemoryTokenStore(), wrong)
        with pytest.raises(o.OrientationError.ChatRegistrationRefused):
            await other.connect(None)

    asyncio.run(scenario())


def test_availability_and_contact_channels(homeserver, tmp_path):
    hs = homeserver

    async def scenario():
        svc = o.ChatService(
            service_user_id=hs["advisor_user"],
            registration_token=hs["registration_token"],
            phone="0 800 123 456",
            email="conseil@region.example",
        )
        return await app_with_chat(tmp_path, hs).chat(MemoryTokenStore(), svc)

    chat = asyncio.run(scenario())
    a = chat.availability()
    # Exactly one of "closes at" and "opens at" is known, depending on the hour the test runs.
    assert (a.closes_at_ms is not None) == a.open
    assert (a.next_opening_ms is not None) == (not a.open)
    assert chat.availability_summary()
    contact = chat.contact_options("Je voudrais un rendez-vous", None)
    assert contact.phone.uri == "tel:0800123456" and contact.phone.free
    assert contact.email.address == "conseil@region.example"
    assert contact.email.uri.startswith("mailto:conseil@region.example?subject=")
    assert "Je voudrais un rendez-vous" in contact.email.body


def test_delete_all_my_data_closes_the_chat_too(homeserver, tmp_path):
    hs = homeserver
    tokens = MemoryTokenStore()
    app = app_with_chat(tmp_path / "app", hs)

    async def scenario():
        chat = await app.chat(tokens, service(hs))
        first = await chat.connect(None)
        running = chat.start()
        chat.send_text("à supprimer avec le reste")
        for _ in range(WAIT * 10):
            if chat.status().pending == 0:
                break
            await asyncio.sleep(0.1)
        assert chat.status().pending == 0 and chat.status().has_conversation
        running.cancel()
        return chat, first

    chat, first = asyncio.run(scenario())
    # Another process over the same data, its chat not opened: it cannot close the account, so it
    # deletes nothing.
    other = app_with_chat(tmp_path / "app", hs)
    with pytest.raises(o.OrientationError.ChatNotOpen):
        other.delete_all_my_data()
    assert [m.body for m in chat.history(None, 50)] == ["à supprimer avec le reste"]

    app.delete_all_my_data()
    assert chat.history(None, 50) == []
    assert tokens.secret is None
    assert not (tmp_path / "app" / "chat").exists()

    # Coming back to the chat after that: a new, empty conversation on a new account, not the deleted one.
    async def again():
        fresh = await app.chat(tokens, service(hs))
        user = await fresh.connect(None)
        return fresh, user

    fresh, user = asyncio.run(again())
    assert fresh.history(None, 50) == []
    assert user.startswith("@") and user != first
    assert tokens.secret is not None
