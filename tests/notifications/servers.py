"""Real parts for the delivery tests: an SMTP server (aiosmtpd) and a local HTTP server answering as
the WeCom and DingTalk APIs document. Never a vendor URL."""
import json
import socket
import threading
import time
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller


class Inbox:
    """aiosmtpd handler keeping every message it accepts, parsed."""

    def __init__(self):
        self.messages = []
        self.refuse = 0  # refuse this many messages (451) before accepting again

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            self.refuse -= 1
            return "451 Try again later"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def start_smtp():
    inbox = Inbox()
    with socket.socket() as probe:  # aiosmtpd 1.4 cannot listen on port 0: take a free port first
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


def start_silent() -> socket.socket:
    """A server that takes connections and never says a word (a hung mail server): every client waits
    for its timeout. Close the returned socket to stop it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)  # the kernel completes the handshakes; nobody ever reads or answers
    return listener


class VendorState:
    def __init__(self):
        self.lock = threading.Lock()
        self.tokens_issued = 0
        self.valid_token = None
        self.down = 0           # answer this many requests with 503 (an outage)
        self.expire_next = False  # the next send says the token has expired
        self.received = []      # (path, body) of accepted messages
        self.delay = 0.0        # seconds before answering a send (a slow API)
        self.unknown_users = set()  # WeCom answers 81013 (invalid user) for these


class _Handler(BaseHTTPRequestHandler):
    state: VendorState

    def log_message(self, *args):
        pass

    def _answer(self, payload, status=200):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _outage(self) -> bool:
        with self.state.lock:
            if self.state.down:
                self.state.down -= 1
                self.send_error(503)
                return True
        return False

    def do_GET(self):  # noqa: N802 - http.server's naming
        if self._outage():
            return
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        wecom = url.path == "/cgi-bin/gettoken" and query.get("corpsecret") == ["s3cret"]
        dingtalk = url.path == "/gettoken" and query.get("appsecret") == ["d-s3cret"]
        if not (wecom or dingtalk):
            return self._answer({"errcode": 40001, "errmsg": "invalid credential"})
        with self.state.lock:
            self.state.tokens_issued += 1
            self.state.valid_token = f"token-{self.state.tokens_issued}"
        self._answer({"errcode": 0, "errmsg": "ok", "access_token": self.state.valid_token, "expires_in": 7200})

    def do_POST(self):  # noqa: N802
        if self._outage():
            return
        time.sleep(self.state.delay)
        url = urlsplit(self.path)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        token = parse_qs(url.query).get("access_token", [""])[0]
        with self.state.lock:
            if self.state.expire_next or token != self.state.valid_token:
                self.state.expire_next = False
                self.state.valid_token = None
                return self._answer({"errcode": 42001, "errmsg": "access_token expired"})
            if body.get("touser") in self.state.unknown_users:
                return self._answer({"errcode": 81013, "errmsg": "user & party & tag all invalid"})
            self.state.received.append((url.path, body))
        if url.path == "/cgi-bin/message/send":
            return self._answer({"errcode": 0, "errmsg": "ok", "invaliduser": ""})
        self._answer({"errcode": 0, "errmsg": "ok", "task_id": 256, "request_id": "r1"})


def start_vendor():
    state = VendorState()
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, state
