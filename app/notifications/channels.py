"""The outside channels: e-mail over SMTP, WeCom application messages, DingTalk work notifications.

Each channel is on when its settings are set. `send(config, address, message)` returns on success and
raises ChannelError otherwise; the sender (outbox.py) turns that into a retry or a failure.

WeCom and DingTalk are spoken to with a small client of our own over urllib rather than wechatpy
(last release 2021, needs `cryptography` for message encryption we do not use) or the official
alibabacloud-dingtalk SDK (the Tea/Darabonba stack, and only the new api.dingtalk.com endpoints): two
calls each — get a token, send a message — with the API base URL taken from the configuration so
tests can point it at a local server.
"""
import json
import re
import smtplib
import ssl
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from html import escape
from urllib.error import URLError
from urllib.parse import parse_qs, unquote, urlencode, urlsplit
from urllib.request import Request, urlopen

EMAIL, WECOM, DINGTALK = "email", "wecom", "dingtalk"
CHANNELS = (EMAIL, WECOM, DINGTALK)
# What an address looks like (forms and the CSV import check with these).
EMAIL_PATTERN = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")
CHANNEL_ID_PATTERN = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
# The error codes both APIs answer with when the access token is invalid or has expired.
TOKEN_ERRORS = {40001, 40014, 42001, 88}
# Errors about the recipient, not the channel: sending again cannot help (WeCom 81013: no such user,
# or not in the application's visible range).
RECIPIENT_ERRORS = {81013}


class ChannelError(Exception):
    """The channel did not take the message; `permanent` ones are not retried (a bad address)."""

    def __init__(self, reason: str, permanent: bool = False):
        super().__init__(reason)
        self.permanent = permanent


@dataclass
class Outgoing:
    title: str
    text: str
    url: str
    button: str
    attachment: str | None = None  # iCalendar text, e-mail only


def enabled(config) -> list[str]:
    on = {EMAIL: config["MAIL_URL"] and config["MAIL_FROM"],
          WECOM: config["WECOM_CORP_ID"] and config["WECOM_SECRET"] and config["WECOM_AGENT_ID"],
          DINGTALK: config["DINGTALK_APP_KEY"] and config["DINGTALK_APP_SECRET"] and config["DINGTALK_AGENT_ID"]}
    return [name for name in CHANNELS if on[name]]


def send(config, channel: str, address: str, message: Outgoing) -> None:
    {EMAIL: send_mail, WECOM: send_wecom, DINGTALK: send_dingtalk}[channel](config, address, message)


# ---- e-mail

def _mail(config, address: str, message: Outgoing) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = message.title
    mail["From"] = config["MAIL_FROM"]
    mail["To"] = address
    mail["Message-ID"] = make_msgid(domain="officehub")
    mail.set_content(f"{message.text}\n\n{message.url}\n")
    mail.add_alternative(
        f'<p>{escape(message.text)}</p><p><a href="{escape(message.url)}">{escape(message.button)}</a></p>',
        subtype="html")
    if message.attachment:
        mail.add_attachment(message.attachment.encode(), maintype="text", subtype="calendar",
                            filename="meeting.ics", params={"method": "PUBLISH"})
    return mail


def _smtp(config):
    url = urlsplit(config["MAIL_URL"])
    timeout = config["NOTIFY_TIMEOUT_SECONDS"]
    if url.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(url.hostname, url.port or 465, timeout=timeout,
                                context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(url.hostname, url.port or 25, timeout=timeout)
        if parse_qs(url.query).get("starttls", ["0"])[0] in {"1", "true", "yes"}:
            smtp.starttls(context=ssl.create_default_context())
    if url.username:
        smtp.login(unquote(url.username), unquote(url.password or ""))
    return smtp


def send_mail(config, address: str, message: Outgoing) -> None:
    try:
        with _smtp(config) as smtp:
            smtp.send_message(_mail(config, address, message))
    except smtplib.SMTPRecipientsRefused as exc:
        raise ChannelError(f"address refused: {exc}", permanent=True) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise ChannelError(f"mail server: {exc}") from exc


# ---- WeCom and DingTalk

_tokens: dict[tuple, tuple[str, float]] = {}
_tokens_lock = threading.Lock()


def _call(url: str, timeout: float, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urlopen(request, timeout=timeout) as response:
            return json.loads(response.read().decode() or "{}")
    except (URLError, OSError, ValueError) as exc:  # refused, timed out, HTTP 5xx, not JSON
        raise ChannelError(f"{urlsplit(url).path}: {exc}") from exc


def _token(key: tuple, token_url: str, timeout: float, fresh: bool) -> str:
    """The cached access token, fetched again when it is (nearly) expired or was refused."""
    with _tokens_lock:
        cached = _tokens.get(key)
        if cached and not fresh and cached[1] > time.monotonic():
            return cached[0]
        answer = _call(token_url, timeout)
        if answer.get("errcode", 0) != 0 or not answer.get("access_token"):
            raise ChannelError(f"token: {answer.get('errcode')} {answer.get('errmsg', '')}")
        # Both APIs give 7200 s; renew five minutes early so a token never expires mid-send.
        lifetime = int(answer.get("expires_in", 7200)) - 300
        _tokens[key] = (answer["access_token"], time.monotonic() + max(lifetime, 60))
        return answer["access_token"]


def _push(key: tuple, token_url: str, send_url: str, body: dict, timeout: float) -> None:
    """Send with the cached token; an expired one is renewed and the message sent again, once."""
    for fresh in (False, True):
        token = _token(key, token_url, timeout, fresh)
        answer = _call(f"{send_url}?{urlencode({'access_token': token})}", timeout, body)
        code = answer.get("errcode", 0)
        if code == 0:
            return
        if code not in TOKEN_ERRORS:
            raise ChannelError(f"{code} {answer.get('errmsg', '')}", permanent=code in RECIPIENT_ERRORS)
    raise ChannelError(f"token refused twice: {code}")


def send_wecom(config, address: str, message: Outgoing) -> None:
    base = config["WECOM_API_BASE"].rstrip("/")
    query = urlencode({"corpid": config["WECOM_CORP_ID"], "corpsecret": config["WECOM_SECRET"]})
    body = {"touser": address, "msgtype": "textcard", "agentid": int(config["WECOM_AGENT_ID"]),
            "textcard": {"title": message.title[:128], "description": message.text[:512],
                         "url": message.url, "btntxt": message.button[:4]}}
    _push(("wecom", base, config["WECOM_CORP_ID"], config["WECOM_AGENT_ID"]),
          f"{base}/cgi-bin/gettoken?{query}", f"{base}/cgi-bin/message/send", body,
          config["NOTIFY_TIMEOUT_SECONDS"])


def send_dingtalk(config, address: str, message: Outgoing) -> None:
    base = config["DINGTALK_API_BASE"].rstrip("/")
    query = urlencode({"appkey": config["DINGTALK_APP_KEY"], "appsecret": config["DINGTALK_APP_SECRET"]})
    body = {"agent_id": int(config["DINGTALK_AGENT_ID"]), "userid_list": address,
            "msg": {"msgtype": "action_card",
                    "action_card": {"title": message.title, "markdown": message.text,
                                    "single_title": message.button, "single_url": message.url}}}
    _push(("dingtalk", base, config["DINGTALK_APP_KEY"]), f"{base}/gettoken?{query}",
          f"{base}/topapi/message/corpconversation/asyncsend_v2", body, config["NOTIFY_TIMEOUT_SECONDS"])

