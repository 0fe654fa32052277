"""One message to a chat group's bot webhook: WeCom, DingTalk, Feishu/Lark, Slack or Microsoft Teams.

The standard library does the HTTP. Apprise, the one library that covers all five, checks only the
HTTP status for WeCom, DingTalk and Feishu, which answer 200 with an error code in the body (a wrong
signature among them); it signs no Feishu request and sends only to the official hosts, so neither
the signatures nor a failure could be tested against a local server.

``post`` raises ``ChatDeliveryError`` for every failure, saying whether trying again later may help.
Its reason is shown to HR and logged, so it never carries the parts of the address that work as a
password (a token, a key, a signature) nor the signing secret.
"""

import base64
import hashlib
import hmac
import http.client
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    WECOM = "wecom", _("WeCom")
    DINGTALK = "dingtalk", _("DingTalk")
    FEISHU = "feishu", _("Feishu / Lark")
    SLACK = "slack", _("Slack")
    TEAMS = "teams", _("Microsoft Teams")


@dataclass(frozen=True)
class ChatMessage:
    title: str
    text: str
    link: str
    link_label: str
    key: str


class ChatDeliveryError(Exception):
    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable

    def __str__(self) -> str:
        return self.reason


# A leading "*." stands for one or more labels in front of the rest.
OFFICIAL_HOSTS: dict[Platform, tuple[str, ...]] = {
    Platform.WECOM: ("qyapi.weixin.qq.com",),
    Platform.DINGTALK: ("oapi.dingtalk.com",),
    Platform.FEISHU: ("open.feishu.cn", "open.larksuite.com"),
    Platform.SLACK: ("hooks.slack.com",),
    # Office 365 connectors, and Workflows (Power Automate) webhooks; *.powerplatform.com takes in
    # *.environment.api.powerplatform.com, where new Workflows webhooks live.
    Platform.TEAMS: ("*.webhook.office.com", "*.logic.azure.com", "*.powerplatform.com"),
}

# Error codes in an answer that mean "too many messages just now" or "busy": later may work.
RETRYABLE_CODES: dict[Platform, frozenset[int]] = {
    Platform.WECOM: frozenset({-1, 45009}),
    Platform.DINGTALK: frozenset({-1, 130101, 660026}),
    Platform.FEISHU: frozenset({9499, 11232}),
}

USER_AGENT = "Handover"
TITLE_LIMIT = 200
TEXT_LIMIT = 4000
# WeCom refuses markdown content over 4096 bytes of UTF-8.
WECOM_CONTENT_BYTES = 4096
# Slack refuses a section's mrkdwn text over 3000 characters.
SLACK_SECTION_LIMIT = 3000
ANSWER_LIMIT = 64 * 1024
REASON_LIMIT = 300

_ZERO_WIDTH_SPACE = "\u200b"
_HEADER_VALUE = re.compile(r"[\x21-\x7e]{1,200}")
_TEAMS_RELAYED_FAILURE = re.compile(r"delivery failed.*?HTTP error (\d{3})", re.IGNORECASE | re.DOTALL)


def validate_webhook_url(platform: str, url: str) -> None:
    """Raise ``ValidationError`` unless ``url`` is an https address on one of the platform's own
    hosts, or an address on a host listed in ``HANDOVER_CHAT_EXTRA_HOSTS``."""
    try:
        chosen = Platform(platform)
    except ValueError:
        raise ValidationError(gettext("Choose a chat platform."), code="chat_platform") from None
    if not _is_allowed(chosen, url):
        raise ValidationError(
            gettext("Enter the webhook address exactly as %(platform)s gives it: https, on %(hosts)s."),
            code="chat_webhook_url",
            params={"platform": chosen.label, "hosts": ", ".join(OFFICIAL_HOSTS[chosen])},
        )


def post(*, platform: str, url: str, secret: str, message: ChatMessage, timeout: float = 5.0) -> None:
    """Post ``message`` to the webhook at ``url``; an empty ``secret`` sends it unsigned."""
    try:
        chosen = Platform(platform)
    except ValueError:
        raise ChatDeliveryError("Unknown chat platform.", retryable=False) from None
    label = str(chosen.label)
    # Checked again on every send: the row may have been saved before the allowed hosts changed.
    try:
        validate_webhook_url(chosen, url)
    except ValidationError:
        raise ChatDeliveryError(
            f"The webhook address is not an allowed {label} address.", retryable=False
        ) from None
    if not _HEADER_VALUE.fullmatch(message.key):
        raise ChatDeliveryError("The idempotency key cannot be sent as a header.", retryable=False)

    target, payload, signature = _BUILDERS[chosen](url, secret, message)
    hidden = _secret_parts(target, secret, signature)
    try:
        status, answer = _send(target, payload, key=message.key, timeout=timeout)
        _judge(chosen, status, answer)
    except ChatDeliveryError as error:
        # Raised afresh, without the original in its context, so that no unscrubbed reason reaches
        # a log or Sentry through the chain.
        reason = _clip(_scrub(error.reason, hidden), REASON_LIMIT)
        raise ChatDeliveryError(reason, retryable=error.retryable) from None


def _is_allowed(platform: Platform, url: str) -> bool:
    if not url or len(url) > 2048 or any(not (0x20 < ord(char) < 0x7F) or char == "\\" for char in url):
        return False
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return False
    if not host or parts.username is not None or parts.password is not None:
        return False
    extra = {entry.strip().lower() for entry in settings.HANDOVER_CHAT_EXTRA_HOSTS}
    if parts.scheme in ("http", "https") and parts.netloc.lower() in extra:
        return True
    return (
        parts.scheme == "https"
        and port in (None, 443)
        and any(_host_matches(host, pattern) for pattern in OFFICIAL_HOSTS[platform])
    )


def _host_matches(host: str, pattern: str) -> bool:
    if pattern.startswith("*."):
        suffix = pattern[1:]
        return host.endswith(suffix) and len(host) > len(suffix)
    return host == pattern


def _secret_parts(url: str, secret: str, signature: str) -> list[str]:
    """What must not appear in a reason: the signing secret, the signature, every query value
    (access_token, key, sig…) and every path segment that looks like a token (Slack, Feishu and
    Teams keep theirs in the path)."""
    parts = urllib.parse.urlsplit(url)
    found = [secret, signature, urllib.parse.quote(signature, safe="")]
    found += [value for _name, value in urllib.parse.parse_qsl(parts.query) if len(value) >= 4]
    for segment in parts.path.split("/"):
        segment = urllib.parse.unquote(segment)
        if len(segment) >= 16 or (len(segment) >= 6 and any(char.isdigit() for char in segment)):
            found.append(segment)
    return sorted((part for part in found if part), key=len, reverse=True)


def _scrub(reason: str, hidden: Iterable[str]) -> str:
    for part in hidden:
        reason = reason.replace(part, "***")
    return reason


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _clip_utf8(text: str, limit: int) -> str:
    encoded = text.encode()
    if len(encoded) <= limit:
        return text
    ellipsis = "…".encode()
    if limit < len(ellipsis):
        return ""
    return encoded[: limit - len(ellipsis)].decode(errors="ignore") + "…"


def _parts(message: ChatMessage) -> tuple[str, list[str]]:
    title = _clip(_one_line(message.title), TITLE_LIMIT)
    lines = [line.rstrip() for line in _clip(message.text, TEXT_LIMIT).strip().splitlines()]
    return title, lines


def _defuse_markdown(text: str) -> str:
    """Plain text that a markdown renderer shows as it is: a zero-width space after "@" stops
    "@all" and mentions, after "<" stops <@userid> and <font> tags, and between "]" and "(" stops
    links and images. Readers see the same characters."""
    text = text.replace("@", "@" + _ZERO_WIDTH_SPACE).replace("<", "<" + _ZERO_WIDTH_SPACE)
    return text.replace("](", "]" + _ZERO_WIDTH_SPACE + "(")


def _slack_escape(text: str) -> str:
    """Slack's three control characters as entities, which is how Slack asks for them
    (https://api.slack.com/reference/surfaces/formatting#escaping), and a zero-width space after
    "@" so that "@channel" is not taken for a mention where Slack still parses plain names."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("@", "@" + _ZERO_WIDTH_SPACE)


def _slack_clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    entity = cut.rfind("&")
    if entity != -1 and ";" not in cut[entity:]:
        cut = cut[:entity]
    return cut + "…"


def _markdown_link(label: str, link: str) -> str:
    label = _defuse_markdown(_one_line(label)).replace("[", "(").replace("]", ")")
    return f"[{label}]({link.replace(' ', '%20').replace(')', '%29')})"


Built = tuple[str, dict[str, Any], str]


def _wecom(url: str, secret: str, message: ChatMessage) -> Built:
    title, lines = _parts(message)
    head = f"**{_defuse_markdown(title)}**\n"
    tail = "\n" + _markdown_link(message.link_label, message.link)
    room = WECOM_CONTENT_BYTES - len(head.encode()) - len(tail.encode())
    body = _clip_utf8(_defuse_markdown("\n".join(lines)), room)
    return url, {"msgtype": "markdown", "markdown": {"content": head + body + tail}}, ""


def _dingtalk(url: str, secret: str, message: ChatMessage) -> Built:
    title, lines = _parts(message)
    # DingTalk's markdown joins single line breaks; each line is its own paragraph.
    paragraphs = [f"#### {_defuse_markdown(title)}"]
    paragraphs += [_defuse_markdown(line) for line in lines if line]
    paragraphs.append(_markdown_link(message.link_label, message.link))
    text = "\n\n".join(paragraphs)
    payload = {
        "msgtype": "markdown",
        "markdown": {"title": _defuse_markdown(title), "text": text},
        "at": {"isAtAll": False, "atMobiles": [], "atUserIds": []},
    }
    if not secret:
        return url, payload, ""
    timestamp = str(int(time.time() * 1000))
    signature = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    parts = urllib.parse.urlsplit(url)
    query = [
        (name, value)
        for name, value in urllib.parse.parse_qsl(parts.query)
        if name not in ("timestamp", "sign")
    ]
    query += [("timestamp", timestamp), ("sign", signature)]
    return parts._replace(query=urllib.parse.urlencode(query)).geturl(), payload, signature


def _feishu(url: str, secret: str, message: ChatMessage) -> Built:
    title, lines = _parts(message)
    # "text" elements of a post are shown as they are: nothing in them is markdown or a mention.
    content = [[{"tag": "text", "text": line}] for line in lines if line]
    content.append([{"tag": "a", "text": _one_line(message.link_label), "href": message.link}])
    payload: dict[str, Any] = {
        "msg_type": "post",
        "content": {"post": {"zh_cn": {"title": title, "content": content}}},
    }
    if not secret:
        return url, payload, ""
    timestamp = str(int(time.time()))
    # Feishu's own scheme: the string to sign is the key, the message is empty.
    signature = base64.b64encode(
        hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    ).decode()
    return url, {"timestamp": timestamp, "sign": signature, **payload}, signature


def _slack(url: str, secret: str, message: ChatMessage) -> Built:
    title, lines = _parts(message)
    text = _slack_clip(_slack_escape("\n".join(lines)), SLACK_SECTION_LIMIT)
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{_slack_escape(title)}*", "verbatim": True}}
    ]
    if text:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}})
    blocks.append(
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": _clip(_one_line(message.link_label), 75)},
                    "url": message.link,
                }
            ],
        }
    )
    fallback = _slack_escape(title) + "\n" + text + f"\n<{message.link}|{_slack_escape(message.link_label)}>"
    return url, {"text": fallback, "blocks": blocks}, ""


def _teams(url: str, secret: str, message: ChatMessage) -> Built:
    title, lines = _parts(message)
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": _defuse_markdown(title),
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        }
    ]
    body += [{"type": "TextBlock", "text": _defuse_markdown(line), "wrap": True} for line in lines if line]
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "actions": [{"type": "Action.OpenUrl", "title": _one_line(message.link_label), "url": message.link}],
    }
    payload = {
        "type": "message",
        "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}],
    }
    return url, payload, ""


_BUILDERS: dict[Platform, Callable[[str, str, ChatMessage], Built]] = {
    Platform.WECOM: _wecom,
    Platform.DINGTALK: _dingtalk,
    Platform.FEISHU: _feishu,
    Platform.SLACK: _slack,
    Platform.TEAMS: _teams,
}


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A webhook that redirects is not the webhook that was configured; following it would also
    carry the message (and, on DingTalk, the signature) to a host nobody checked."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _send(url: str, payload: dict[str, Any], *, key: str, timeout: float) -> tuple[int, str]:
    # The scheme and host were checked by validate_webhook_url.
    request = urllib.request.Request(  # noqa: S310
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "Idempotency-Key": key,
        },
    )
    opener = urllib.request.build_opener(_RefuseRedirects)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, _read(response)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, _read(error)
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise ChatDeliveryError(f"No answer within {timeout:g} s.", retryable=True) from None
        raise ChatDeliveryError(f"Could not connect: {_describe(error.reason)}", retryable=True) from None
    except TimeoutError:
        raise ChatDeliveryError(f"No answer within {timeout:g} s.", retryable=True) from None
    except (OSError, http.client.HTTPException) as error:
        raise ChatDeliveryError(f"The connection failed: {_describe(error)}", retryable=True) from None


def _read(response: Any) -> str:
    try:
        return response.read(ANSWER_LIMIT).decode("utf-8", errors="replace")
    except (OSError, http.client.HTTPException):
        return ""


def _describe(error: object) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def _judge(platform: Platform, status: int, answer: str) -> None:
    label = str(platform.label)
    if 300 <= status < 400:
        raise ChatDeliveryError(f"{label} answered HTTP {status}, a redirect; not followed.", retryable=False)
    # 408: the server gave up waiting for the request, as passing as a network timeout.
    transient = status in (408, 429) or status >= 500
    if platform in RETRYABLE_CODES:
        code, detail = _platform_code(platform, answer)
        if 200 <= status < 300 and code == 0:
            return
        if code is not None:
            retryable = transient or code in RETRYABLE_CODES[platform]
            raise ChatDeliveryError(_reason(label, status, f"code {code}", detail), retryable=retryable)
        raise ChatDeliveryError(_reason(label, status, "unexpected answer", answer), retryable=transient)
    if platform == Platform.TEAMS and 200 <= status < 300:
        # Office 365 connectors relay Teams' own failures inside a 200, as text.
        relayed = _TEAMS_RELAYED_FAILURE.search(answer)
        if relayed is None:
            return
        inner = int(relayed.group(1))
        raise ChatDeliveryError(
            _reason(label, status, f"relayed HTTP {inner}", answer),
            retryable=inner in (408, 429) or inner >= 500,
        )
    if platform == Platform.SLACK and 200 <= status < 300:
        if answer.strip() == "ok" or _json_object(answer).get("ok") is True:
            return
        raise ChatDeliveryError(_reason(label, status, "unexpected answer", answer), retryable=False)
    if 200 <= status < 300:
        return
    raise ChatDeliveryError(_reason(label, status, "", answer), retryable=transient)


def _platform_code(platform: Platform, answer: str) -> tuple[int | None, str]:
    data = _json_object(answer)
    if platform == Platform.FEISHU:
        # Older Feishu answers say StatusCode / StatusMessage instead of code / msg.
        code, detail = data.get("code", data.get("StatusCode")), data.get("msg", data.get("StatusMessage"))
    else:
        code, detail = data.get("errcode"), data.get("errmsg")
    if isinstance(code, bool) or not isinstance(code, int):
        return None, ""
    return code, str(detail or "")


def _json_object(answer: str) -> dict[str, Any]:
    try:
        data = json.loads(answer)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _reason(label: str, status: int, what: str, detail: str) -> str:
    reason = f"{label} answered HTTP {status}"
    if what:
        reason += f", {what}"
    detail = _one_line(detail)
    if detail:
        reason += f": {detail}"
    return reason
