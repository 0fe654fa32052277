"""A local HTTP server that answers as WeCom, DingTalk, Feishu/Lark, Slack and Teams answer a bot's
webhook, checking DingTalk's and Feishu's signatures itself (tests of the chat channel)."""

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from handover.notifications.chat import ChatMessage, Platform

WECOM_KEY = "693a91f6-7a0c-4bc4-97a0-0ec2f1fa5aaa"
DINGTALK_TOKEN = "566cc69da782ec4f1b6e3a9d0c2b7f8e9a1d2c3b4e5f60718293a4b5c6d7e8f9"
FEISHU_HOOK = "5e3d587e-d78e-4a07-bd07-265f269f86fd"
SLACK_TOKEN = "q8Wm3rT5yU7iO9pA1sD2fG4h"
SLACK_PATH = f"/services/T0A1B2C3D/B0E4F5G6H/{SLACK_TOKEN}"
TEAMS_WORKFLOW = "643e69f83c8944438d68119179a10a64"
TEAMS_SIG = "KODuebWbDGYFr0z0eu-6Rj8aUKz7108W3wrNJZxFE5A"
SECRET = "SEC5a3ecf88f2b3eb50db30ecfc00f53033ac909c99bf7f88fd612bda89d7f3a9dc"
ONE_HOUR = 60 * 60
# What an Office 365 connector says, inside a 200, when Teams refused the message.
RELAYED = "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error {}"

MESSAGE = ChatMessage(
    title="Handover of Li Wei",
    text="Last day: 30 June\nThree items are still open",
    link="https://handover.example.com/cases/42/",
    link_label="Open the case",
    key="outbox-42",
)

HOSTILE = ChatMessage(
    title="@all <!channel> [x](http://evil.example)",
    text='<@zhangsan> <font color="warning">urgent</font>\n![pixel](http://evil.example/p.png)',
    link="https://handover.example.com/cases/7/",
    link_label="Open the case",
    key="outbox-7",
)


@dataclass
class Answer:
    status: int = 200
    body: str | dict[str, Any] = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    raw: bytes

    @property
    def body(self) -> Any:
        return json.loads(self.raw)


def sign_dingtalk(secret: str, timestamp: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def sign_feishu(secret: str, timestamp: str) -> str:
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class Platforms(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server_port}"
        self.seen: list[Seen] = []
        # An empty secret is a bot guarded by keywords or addresses only: it takes unsigned messages.
        self.dingtalk_secret = ""
        self.feishu_secret = ""
        # Answers given instead of the platform's own, to the next requests, in order.
        self.forced: list[Answer] = []
        # Answer every request with what it received, as a verbose error page would.
        self.echo = False
        # The platforms' clock is theirs: wall time when the server started, moved on by a clock
        # time_machine leaves alone, so a test can send from the past and be judged in the present.
        self._started_wall, self._started_monotonic = time.time(), time.monotonic()

    def now(self) -> float:
        return self._started_wall + time.monotonic() - self._started_monotonic

    def handle_error(self, request, client_address):
        """A sender that gave up waiting has closed its end; nothing to report."""

    def answer(self, seen: Seen) -> Answer:
        if self.forced:
            return self.forced.pop(0)
        if self.echo:
            return Answer(
                400, f"cannot take {seen.path}?{urllib.parse.urlencode(seen.query)} {seen.raw!r} {SECRET}"
            )
        if seen.path == "/cgi-bin/webhook/send":
            return self.wecom(seen)
        if seen.path == "/robot/send":
            return self.dingtalk(seen)
        if seen.path.startswith("/open-apis/bot/v2/hook/"):
            return self.feishu(seen)
        if seen.path.startswith("/services/"):
            return Answer(200, "ok") if seen.path == SLACK_PATH else Answer(404, "no_service")
        if seen.path.startswith("/workflows/"):
            return self.teams(seen)
        return Answer(404, "not found")

    def wecom(self, seen: Seen) -> Answer:
        if seen.query.get("key") != WECOM_KEY:
            return Answer(200, {"errcode": 93000, "errmsg": "invalid webhook url"})
        return Answer(200, {"errcode": 0, "errmsg": "ok"})

    def dingtalk(self, seen: Seen) -> Answer:
        if seen.query.get("access_token") != DINGTALK_TOKEN:
            return Answer(200, {"errcode": 300001, "errmsg": "token is not exist"})
        if self.dingtalk_secret:
            timestamp, sign = seen.query.get("timestamp", ""), seen.query.get("sign", "")
            fresh = timestamp.isdigit() and abs(self.now() * 1000 - int(timestamp)) <= ONE_HOUR * 1000
            if not fresh or not hmac.compare_digest(sign, sign_dingtalk(self.dingtalk_secret, timestamp)):
                return Answer(200, {"errcode": 310000, "errmsg": "sign not match"})
        return Answer(200, {"errcode": 0, "errmsg": "ok"})

    def feishu(self, seen: Seen) -> Answer:
        if seen.path.rsplit("/", 1)[-1] != FEISHU_HOOK:
            return Answer(
                200,
                {"code": 19001, "data": {}, "msg": "param invalid: incoming webhook access token invalid"},
            )
        if self.feishu_secret:
            timestamp, sign = str(seen.body.get("timestamp", "")), str(seen.body.get("sign", ""))
            fresh = timestamp.isdigit() and abs(self.now() - int(timestamp)) <= ONE_HOUR
            if not fresh or not hmac.compare_digest(sign, sign_feishu(self.feishu_secret, timestamp)):
                return Answer(
                    200,
                    {
                        "code": 19021,
                        "data": {},
                        "msg": "sign match fail or timestamp is not within one hour from current time",
                    },
                )
        return Answer(200, {"code": 0, "data": {}, "msg": "success"})

    def teams(self, seen: Seen) -> Answer:
        if seen.query.get("sig") != TEAMS_SIG:
            return Answer(401, {"error": {"code": "DirectApiAuthorizationRequired"}})
        return Answer(202, "")


class Handler(BaseHTTPRequestHandler):
    server: Platforms

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        parts = urllib.parse.urlsplit(self.path)
        seen = Seen(
            path=parts.path,
            query=dict(urllib.parse.parse_qsl(parts.query)),
            headers={name.lower(): value for name, value in self.headers.items()},
            raw=raw,
        )
        self.server.seen.append(seen)
        answer = self.server.answer(seen)
        time.sleep(answer.delay)
        body = answer.body if isinstance(answer.body, str) else json.dumps(answer.body)
        content_type = "text/plain" if isinstance(answer.body, str) else "application/json"
        self.send_response(answer.status)
        for name, value in {"Content-Type": content_type, **answer.headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body.encode())))
        self.end_headers()
        self.wfile.write(body.encode())

    # A sender that followed a redirect would come back with a GET: it is recorded the same way.
    do_GET = do_POST

    def log_message(self, format, *args):
        pass


def url_for(server: Platforms, platform: str) -> str:
    return {
        Platform.WECOM: f"{server.base}/cgi-bin/webhook/send?key={WECOM_KEY}",
        Platform.DINGTALK: f"{server.base}/robot/send?access_token={DINGTALK_TOKEN}",
        Platform.FEISHU: f"{server.base}/open-apis/bot/v2/hook/{FEISHU_HOOK}",
        Platform.SLACK: f"{server.base}{SLACK_PATH}",
        Platform.TEAMS: (
            f"{server.base}/workflows/{TEAMS_WORKFLOW}/triggers/manual/paths/invoke"
            f"?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={TEAMS_SIG}"
        ),
    }[Platform(platform)]
