"""Chat webhooks, sent over real HTTP to a local server that answers as each platform does. The server
checks DingTalk's and Feishu's signatures itself, from the shared secret and its own clock, and
refuses what the real platform refuses, with the platform's own answer."""

import json
import re
import socket
import time
import urllib.parse
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from handover.notifications.chat import ChatDeliveryError, ChatMessage, Platform, post, validate_webhook_url
from tests.notifications.chat_platforms import (
    DINGTALK_TOKEN,
    FEISHU_HOOK,
    HOSTILE,
    MESSAGE,
    RELAYED,
    SECRET,
    SLACK_PATH,
    SLACK_TOKEN,
    TEAMS_SIG,
    TEAMS_WORKFLOW,
    WECOM_KEY,
    Answer,
    url_for,
)


def shown(platform: str, body: dict[str, Any]) -> str:
    """Everything of a request that a reader of the group sees, as the platform gets it."""
    if platform == Platform.WECOM:
        return body["markdown"]["content"]
    if platform == Platform.DINGTALK:
        return body["markdown"]["title"] + "\n" + body["markdown"]["text"]
    if platform == Platform.FEISHU:
        post_ = body["content"]["post"]["zh_cn"]
        elements = [element for paragraph in post_["content"] for element in paragraph]
        return "\n".join([post_["title"], *(e["text"] + " " + e.get("href", "") for e in elements)])
    if platform == Platform.SLACK:
        texts = [body["text"]]
        for block in body["blocks"]:
            texts += [block["text"]["text"]] if "text" in block else []
            texts += [e["text"]["text"] + " " + e["url"] for e in block.get("elements", [])]
        return "\n".join(texts)
    card = body["attachments"][0]["content"]
    return "\n".join(
        [b["text"] for b in card["body"]] + [a["title"] + " " + a["url"] for a in card["actions"]]
    )


def refusal(**kwargs: Any) -> ChatDeliveryError:
    with pytest.raises(ChatDeliveryError) as caught:
        post(**kwargs)
    return caught.value


# What each platform receives


@pytest.mark.parametrize("platform", Platform.values)
def test_each_platform_receives_the_title_the_text_and_the_link(platforms, platform):
    post(platform=platform, url=url_for(platforms, platform), secret="", message=MESSAGE)

    [seen] = platforms.seen
    text = shown(platform, seen.body)
    for part in ("Handover of Li Wei", "Last day: 30 June", "Three items are still open", "Open the case"):
        assert part in text
    assert MESSAGE.link in text
    assert seen.headers["user-agent"] == "Handover"
    assert seen.headers["idempotency-key"] == "outbox-42"
    assert seen.headers["content-type"].startswith("application/json")


def test_wecom_gets_markdown_with_a_link(platforms):
    post(platform="wecom", url=url_for(platforms, "wecom"), secret="", message=MESSAGE)

    body = platforms.seen[0].body
    assert body["msgtype"] == "markdown"
    assert "[Open the case](https://handover.example.com/cases/42/)" in body["markdown"]["content"]


def test_wecom_content_stays_within_its_4096_bytes(platforms):
    long = ChatMessage(
        title="交接", text="还有一项未完成。" * 1000, link=MESSAGE.link, link_label="打开", key="k"
    )

    post(platform="wecom", url=url_for(platforms, "wecom"), secret="", message=long)

    content = platforms.seen[0].body["markdown"]["content"]
    assert len(content.encode()) <= 4096
    assert content.endswith(f"[打开]({MESSAGE.link})")


def test_dingtalk_gets_markdown_that_mentions_nobody(platforms):
    post(platform="dingtalk", url=url_for(platforms, "dingtalk"), secret="", message=MESSAGE)

    [seen] = platforms.seen
    assert seen.body["msgtype"] == "markdown"
    assert seen.body["at"]["isAtAll"] is False
    assert "[Open the case](https://handover.example.com/cases/42/)" in seen.body["markdown"]["text"]
    assert "timestamp" not in seen.query and "sign" not in seen.query


def test_feishu_gets_a_post_whose_link_is_a_link(platforms):
    post(platform="feishu", url=url_for(platforms, "feishu"), secret="", message=MESSAGE)

    body = platforms.seen[0].body
    assert body["msg_type"] == "post"
    assert "sign" not in body
    post_ = body["content"]["post"]["zh_cn"]
    assert post_["title"] == "Handover of Li Wei"
    assert post_["content"][-1] == [{"tag": "a", "text": "Open the case", "href": MESSAGE.link}]


def test_slack_gets_blocks_with_a_button_and_a_fallback_text(platforms):
    post(platform="slack", url=url_for(platforms, "slack"), secret="", message=MESSAGE)

    body = platforms.seen[0].body
    assert body["text"].startswith("Handover of Li Wei\n")
    [button] = body["blocks"][-1]["elements"]
    assert button["type"] == "button"
    assert button["url"] == MESSAGE.link


def test_slack_text_stays_within_a_section_and_never_cuts_an_escape(platforms):
    long = ChatMessage(title="T", text="R&D " * 1000, link=MESSAGE.link, link_label="Open", key="k")

    post(platform="slack", url=url_for(platforms, "slack"), secret="", message=long)

    section = platforms.seen[0].body["blocks"][1]["text"]["text"]
    assert len(section) <= 3000
    assert section.endswith("…")
    assert re.search(r"&(?!amp;)", section) is None


def test_teams_gets_an_adaptive_card_with_an_open_url_action(platforms):
    post(platform="teams", url=url_for(platforms, "teams"), secret="", message=MESSAGE)

    body = platforms.seen[0].body
    assert body["type"] == "message"
    [attachment] = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["content"]["type"] == "AdaptiveCard"
    assert attachment["content"]["actions"] == [
        {"type": "Action.OpenUrl", "title": "Open the case", "url": MESSAGE.link}
    ]


# Signatures


def test_dingtalk_signed_with_the_bots_secret_is_accepted(platforms):
    platforms.dingtalk_secret = SECRET

    post(platform="dingtalk", url=url_for(platforms, "dingtalk"), secret=SECRET, message=MESSAGE)

    [seen] = platforms.seen
    assert seen.query["access_token"] == DINGTALK_TOKEN
    assert abs(int(seen.query["timestamp"]) - time.time() * 1000) < 60_000


@pytest.mark.parametrize("secret", ["SECnot0the0bots0secret0at0all", ""], ids=["wrong secret", "unsigned"])
def test_dingtalk_refuses_a_message_not_signed_with_the_bots_secret_for_good(platforms, secret):
    platforms.dingtalk_secret = SECRET

    error = refusal(platform="dingtalk", url=url_for(platforms, "dingtalk"), secret=secret, message=MESSAGE)

    assert error.retryable is False
    assert "310000" in error.reason


def test_dingtalk_accepts_a_signature_made_within_the_hour(platforms):
    platforms.dingtalk_secret = SECRET

    with time_machine.travel(time.time() - 50 * 60, tick=True):
        post(platform="dingtalk", url=url_for(platforms, "dingtalk"), secret=SECRET, message=MESSAGE)

    assert int(platforms.seen[0].query["timestamp"]) < (time.time() - 49 * 60) * 1000


def test_dingtalk_refuses_a_signature_more_than_an_hour_old(platforms):
    platforms.dingtalk_secret = SECRET

    with time_machine.travel(time.time() - 61 * 60, tick=True):
        error = refusal(
            platform="dingtalk", url=url_for(platforms, "dingtalk"), secret=SECRET, message=MESSAGE
        )

    assert error.retryable is False
    assert "310000" in error.reason


def test_feishu_signed_with_the_bots_secret_is_accepted(platforms):
    platforms.feishu_secret = SECRET

    post(platform="feishu", url=url_for(platforms, "feishu"), secret=SECRET, message=MESSAGE)

    body = platforms.seen[0].body
    assert abs(int(body["timestamp"]) - time.time()) < 60
    assert body["msg_type"] == "post"


@pytest.mark.parametrize("secret", ["not-the-bots-secret", ""], ids=["wrong secret", "unsigned"])
def test_feishu_refuses_a_message_not_signed_with_the_bots_secret_for_good(platforms, secret):
    platforms.feishu_secret = SECRET

    error = refusal(platform="feishu", url=url_for(platforms, "feishu"), secret=secret, message=MESSAGE)

    assert error.retryable is False
    assert "19021" in error.reason


def test_feishu_refuses_a_signature_more_than_an_hour_old(platforms):
    platforms.feishu_secret = SECRET

    with time_machine.travel(time.time() - 61 * 60, tick=True):
        error = refusal(platform="feishu", url=url_for(platforms, "feishu"), secret=SECRET, message=MESSAGE)

    assert error.retryable is False
    assert "19021" in error.reason


# Failures: which ones are worth another try


@pytest.mark.parametrize(
    ("platform", "answer"),
    [
        ("wecom", Answer(200, {"errcode": 45009, "errmsg": "api freq out of limit"})),
        ("dingtalk", Answer(200, {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"})),
        ("feishu", Answer(200, {"code": 11232, "data": {}, "msg": "frequency limited"})),
        ("feishu", Answer(400, {"code": 9499, "data": {}, "msg": "too many request"})),
        ("slack", Answer(429, "rate_limited", {"Retry-After": "30"})),
        ("teams", Answer(429, "")),
        (
            "teams",
            Answer(200, RELAYED.format(429)),
        ),
    ],
    ids=["wecom", "dingtalk", "feishu 11232", "feishu 9499", "slack", "teams", "teams connector"],
)
def test_rate_limits_are_worth_another_try(platforms, platform, answer):
    platforms.forced = [answer]

    error = refusal(platform=platform, url=url_for(platforms, platform), secret="", message=MESSAGE)

    assert error.retryable is True


@pytest.mark.parametrize("platform", Platform.values)
@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_worth_another_try(platforms, platform, status):
    platforms.forced = [Answer(status, "<html>Service unavailable</html>")]

    error = refusal(platform=platform, url=url_for(platforms, platform), secret="", message=MESSAGE)

    assert error.retryable is True
    assert f"HTTP {status}" in error.reason


@pytest.mark.parametrize(
    ("platform", "answer", "said"),
    [
        ("wecom", Answer(200, {"errcode": 93000, "errmsg": "invalid webhook url"}), "93000"),
        (
            "dingtalk",
            Answer(200, {"errcode": 310000, "errmsg": "keywords not in content"}),
            "keywords not in content",
        ),
        ("feishu", Answer(200, {"code": 19024, "data": {}, "msg": "Key Words Not Found"}), "19024"),
        ("feishu", Answer(200, {"StatusCode": 19001, "StatusMessage": "param invalid"}), "19001"),
        ("slack", Answer(404, "channel_not_found"), "channel_not_found"),
        ("slack", Answer(410, "channel_is_archived"), "channel_is_archived"),
        (
            "teams",
            Answer(400, {"error": {"code": "TriggerInputSchemaMismatch"}}),
            "TriggerInputSchemaMismatch",
        ),
        (
            "teams",
            Answer(200, RELAYED.format(400)),
            "HTTP error 400",
        ),
        ("dingtalk", Answer(200, "<html>Sign in to the Wi-Fi</html>"), "unexpected answer"),
        ("slack", Answer(200, "<html>Sign in to the Wi-Fi</html>"), "unexpected answer"),
    ],
    ids=[
        "wecom",
        "dingtalk",
        "feishu",
        "feishu old answer",
        "slack 404",
        "slack 410",
        "teams 400",
        "teams connector",
        "dingtalk portal page",
        "slack portal page",
    ],
)
def test_refusals_are_final_and_say_what_the_platform_said(platforms, platform, answer, said):
    platforms.forced = [answer]

    error = refusal(platform=platform, url=url_for(platforms, platform), secret="", message=MESSAGE)

    assert error.retryable is False
    assert said in error.reason


def test_old_feishu_answers_of_success_count_as_success(platforms):
    platforms.forced = [Answer(200, {"Extra": None, "StatusCode": 0, "StatusMessage": "success"})]

    post(platform="feishu", url=url_for(platforms, "feishu"), secret="", message=MESSAGE)


def test_a_platform_that_does_not_answer_in_time_is_worth_another_try(platforms):
    platforms.forced = [Answer(200, {"errcode": 0, "errmsg": "ok"}, delay=3)]
    started = time.monotonic()

    error = refusal(
        platform="wecom", url=url_for(platforms, "wecom"), secret="", message=MESSAGE, timeout=0.3
    )

    assert error.retryable is True
    assert time.monotonic() - started < 2


def test_a_platform_out_of_reach_is_worth_another_try(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.HANDOVER_CHAT_EXTRA_HOSTS = [f"127.0.0.1:{port}"]

    error = refusal(platform="slack", url=f"http://127.0.0.1:{port}{SLACK_PATH}", secret="", message=MESSAGE)

    assert error.retryable is True


@pytest.mark.parametrize("status", [301, 302, 303])
def test_a_redirect_is_not_followed(platforms, status):
    platforms.forced = [Answer(status, "", {"Location": f"{platforms.base}/elsewhere"})]

    error = refusal(platform="slack", url=url_for(platforms, "slack"), secret="", message=MESSAGE)

    assert error.retryable is False
    assert f"HTTP {status}" in error.reason
    assert [seen.path for seen in platforms.seen] == [SLACK_PATH]


def test_an_unknown_platform_is_refused_for_good(platforms):
    error = refusal(platform="telegram", url=url_for(platforms, "slack"), secret="", message=MESSAGE)

    assert error.retryable is False
    assert platforms.seen == []


def test_a_key_that_cannot_be_a_header_is_refused_before_sending(platforms):
    message = ChatMessage(
        title="T", text="", link=MESSAGE.link, link_label="Open", key="outbox-1\r\nX-Evil: 1"
    )

    error = refusal(platform="slack", url=url_for(platforms, "slack"), secret="", message=message)

    assert error.retryable is False
    assert platforms.seen == []


# Secrets stay out of the reasons


@pytest.mark.parametrize("platform", Platform.values)
def test_reasons_never_carry_the_addresses_secrets(platforms, platform):
    platforms.echo = True

    error = refusal(platform=platform, url=url_for(platforms, platform), secret=SECRET, message=MESSAGE)

    [seen] = platforms.seen
    signature = seen.query.get("sign") or json.loads(seen.raw).get("sign", "")
    assert "HTTP 400" in error.reason
    for secret in (WECOM_KEY, DINGTALK_TOKEN, FEISHU_HOOK, SLACK_TOKEN, TEAMS_SIG, SECRET):
        assert secret not in error.reason
    if signature:
        assert signature not in error.reason
        assert urllib.parse.quote_plus(signature) not in error.reason


def test_an_address_no_longer_allowed_is_refused_without_sending(platforms, settings):
    url = url_for(platforms, "dingtalk")
    settings.HANDOVER_CHAT_EXTRA_HOSTS = []

    error = refusal(platform="dingtalk", url=url, secret=SECRET, message=MESSAGE)

    assert error.retryable is False
    assert platforms.seen == []
    assert DINGTALK_TOKEN not in error.reason


# A name cannot act as markdown


@pytest.mark.parametrize("platform", ["wecom", "dingtalk", "teams"])
def test_markdown_in_a_name_is_shown_not_obeyed(platforms, platform):
    post(platform=platform, url=url_for(platforms, platform), secret="", message=HOSTILE)

    text = shown(platform, platforms.seen[0].body)
    for live in ("@all", "<@zhangsan>", "<!channel>", "<font", "](http://evil.example"):
        assert live not in text
    visible = text.replace("\u200b", "")
    assert HOSTILE.title in visible
    assert "![pixel](http://evil.example/p.png)" in visible


def test_slack_shows_its_control_characters_as_text(platforms):
    post(platform="slack", url=url_for(platforms, "slack"), secret="", message=HOSTILE)

    text = shown("slack", platforms.seen[0].body)
    for live in ("@all", "<!channel>", "<@zhangsan>"):
        assert live not in text
    visible = text.replace("\u200b", "")
    assert "@all &lt;!channel&gt; [x](http://evil.example)" in visible
    assert "&lt;@zhangsan&gt;" in visible


def test_feishu_carries_names_as_plain_text_only(platforms):
    post(platform="feishu", url=url_for(platforms, "feishu"), secret="", message=HOSTILE)

    post_ = platforms.seen[0].body["content"]["post"]["zh_cn"]
    elements = [element for paragraph in post_["content"] for element in paragraph]
    assert post_["title"] == HOSTILE.title
    assert {element["tag"] for element in elements} == {"text", "a"}
    assert [element["href"] for element in elements if element["tag"] == "a"] == [HOSTILE.link]


# Addresses


@pytest.mark.parametrize(
    ("platform", "url"),
    [
        ("wecom", f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={WECOM_KEY}"),
        ("dingtalk", f"https://oapi.dingtalk.com/robot/send?access_token={DINGTALK_TOKEN}"),
        ("feishu", f"https://open.feishu.cn/open-apis/bot/v2/hook/{FEISHU_HOOK}"),
        ("feishu", f"https://open.larksuite.com/open-apis/bot/v2/hook/{FEISHU_HOOK}"),
        ("slack", f"https://hooks.slack.com{SLACK_PATH}"),
        ("teams", "https://contoso.webhook.office.com/webhookb2/a1@b2/IncomingWebhook/c3/d4"),
        (
            "teams",
            f"https://prod-12.westeurope.logic.azure.com:443/workflows/{TEAMS_WORKFLOW}/triggers/manual/paths/invoke"
            f"?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={TEAMS_SIG}",
        ),
        (
            "teams",
            "https://default0a1b2c.3d.environment.api.powerplatform.com:443/powerautomate/automations/direct"
            f"/workflows/{TEAMS_WORKFLOW}/triggers/manual/paths/invoke?api-version=1&sig={TEAMS_SIG}",
        ),
    ],
)
def test_official_webhook_addresses_are_accepted(platform, url):
    validate_webhook_url(platform, url)


@pytest.mark.parametrize(
    ("platform", "url"),
    [
        ("wecom", f"http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={WECOM_KEY}"),
        ("dingtalk", "https://evil.example/robot/send?access_token=t"),
        ("dingtalk", "https://oapi.dingtalk.com.evil.example/robot/send?access_token=t"),
        ("dingtalk", "https://oapi.dingtalk.com:8443/robot/send?access_token=t"),
        ("slack", "https://user:password@hooks.slack.com/services/T/B/x"),
        ("slack", "https://hooks.slack.com@evil.example/services/T/B/x"),
        ("slack", "https://hooks.slack.com\\@evil.example/services/T/B/x"),
        ("slack", "https://hooks.slack.com/services/T/B/x\n"),
        ("slack", "ftp://hooks.slack.com/services/T/B/x"),
        ("slack", "https://127.0.0.1/services/T/B/x"),
        ("slack", ""),
        ("feishu", f"https://hooks.slack.com{SLACK_PATH}"),
        ("teams", "https://webhook.office.com/webhookb2/x"),
        ("teams", "https://evilwebhook.office.com/webhookb2/x"),
        ("telegram", "https://api.telegram.org/bot1/sendMessage"),
    ],
    ids=[
        "plain http",
        "another host",
        "official name as a prefix",
        "another port",
        "user and password",
        "official name as the user",
        "backslash",
        "line break",
        "ftp",
        "an address",
        "empty",
        "another platform's host",
        "teams without a tenant",
        "teams look-alike",
        "unknown platform",
    ],
)
def test_other_addresses_are_refused(platform, url):
    with pytest.raises(ValidationError):
        validate_webhook_url(platform, url)


def test_the_refusal_says_which_addresses_are_expected():
    with pytest.raises(ValidationError) as caught:
        validate_webhook_url("feishu", "http://open.feishu.cn/open-apis/bot/v2/hook/x")

    [text] = caught.value.messages
    assert "https" in text
    assert "open.feishu.cn, open.larksuite.com" in text


def test_extra_hosts_are_allowed_over_http_too_and_only_as_listed(settings):
    settings.HANDOVER_CHAT_EXTRA_HOSTS = ["127.0.0.1:8080", "chat-gateway.internal"]

    validate_webhook_url("dingtalk", "http://127.0.0.1:8080/robot/send?access_token=t")
    validate_webhook_url("slack", "https://chat-gateway.internal/services/T/B/x")
    for url in ("http://127.0.0.1:8081/robot/send", "http://chat-gateway.internal:9000/services/T/B/x"):
        with pytest.raises(ValidationError):
            validate_webhook_url("dingtalk", url)


def test_without_extra_hosts_a_local_address_is_refused(settings):
    settings.HANDOVER_CHAT_EXTRA_HOSTS = []

    with pytest.raises(ValidationError):
        validate_webhook_url("dingtalk", "http://127.0.0.1:8080/robot/send?access_token=t")
