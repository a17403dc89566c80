"""Read a GitHub issue event (or issue) and the answers of csi's issue form in its body.

GitHub writes each answer of an issue form under a `### <label>` heading, in the form's
order, and `_No response_` for an optional field left empty. The labels come from the form
csi writes (`.github/ISSUE_TEMPLATE/improvement.yml`), so the two cannot drift apart.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from csi_tool.errors import ConfigError
from csi_tool.yaml import strict

FORM_PATH = ".github/ISSUE_TEMPLATE/improvement.yml"
PROPOSAL_LABEL = "csi-proposal"
ACCEPTED_LABEL = "csi-accepted"
_NO_RESPONSE = "_No response_"
MAX_EVENT_BYTES = 25 * 1024 * 1024  # GitHub's webhook payloads are capped at 25 MB


@dataclass(frozen=True)
class FormField:
    """One question of the form: its id, its label (the heading GitHub writes) and options."""

    id: str
    label: str
    required: bool
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Proposal:
    """An issue raised through the form: who raised it, where, and each answer by field id
    (None for a field left empty)."""

    number: int
    title: str
    url: str | None
    author: str | None
    answers: dict[str, str | None]
    body: str = ""


def form_fields() -> list[FormField]:
    """The questions of the issue form csi writes, in order."""
    text = (resources.files("csi_tool") / "templates" / FORM_PATH).read_text(encoding="utf-8")
    form = strict.load_fast(text, FORM_PATH)
    return [
        FormField(
            item["id"],
            item["attributes"]["label"],
            bool(item.get("validations", {}).get("required", False)),
            tuple(item["attributes"].get("options", ())),
        )
        for item in form["body"]
        if item["type"] != "markdown"
    ]


def read_event(path: Path) -> Proposal:
    """The proposal in an issue event's JSON (`$GITHUB_EVENT_PATH`), or in an issue's JSON
    (`gh issue view --json number,title,body,author,url`)."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_EVENT_BYTES + 1)
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}") from e
    if len(raw) > MAX_EVENT_BYTES:
        raise ConfigError(f"{path} is larger than GitHub's 25 MB limit for an event")
    try:
        payload = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as e:
        raise ConfigError(f"{path} is not JSON: {e}") from e
    except RecursionError as e:  # nested deeper than any event GitHub sends
        raise ConfigError(f"{path} is not an issue event: nested too deeply") from e
    issue = None
    if isinstance(payload, dict):  # an event holds the issue; an issue's own JSON is one
        issue = payload.get("issue", payload if "body" in payload else None)
    if not isinstance(issue, dict):
        raise ConfigError(f"{path} holds no issue (an issue event, or an issue)")
    number = issue.get("number")
    if type(number) is not int or not 1 <= number < 2**31:
        raise ConfigError(f"{path}: the issue has no number")
    title, body = issue.get("title"), issue.get("body") or ""
    if not isinstance(title, str) or not isinstance(body, str):
        raise ConfigError(f"{path}: the issue's title and body must be text")
    url = issue.get("html_url") or issue.get("url")
    return Proposal(
        number,
        title,
        url if isinstance(url, str) else None,
        _login(issue.get("user") or issue.get("author")),
        parse_answers(body, form_fields()),
        body,
    )


def _login(user: Any) -> str | None:
    """A GitHub login that can be credited as a handle (a bot's `name[bot]` cannot)."""
    login = user.get("login") if isinstance(user, dict) else None
    return login if isinstance(login, str) and _LOGIN.fullmatch(login) else None


_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?")


def parse_answers(body: str, fields: list[FormField]) -> dict[str, str | None]:
    """Each field's answer in a body GitHub rendered from the form: the text between its
    heading and the next field's (headings are looked for in the form's order, so a `###`
    line inside an answer is part of the answer, and text added after the last answer is
    part of it). A heading missing, or out of the form's order, is no answer."""
    text = _lines(body)
    positions = _in_order(text, fields)
    answers: dict[str, str | None] = {}
    for index, (field, found) in enumerate(zip(fields, positions, strict=True)):
        if found is None:
            answers[field.id] = None
            continue
        following = [p for p in positions[index + 1 :] if p is not None]
        end = following[0].start() if following else len(text)
        answer = text[found.end() : end].strip()
        answers[field.id] = None if answer in ("", _NO_RESPONSE) else answer
    return answers


def out_of_order(body: str, fields: list[FormField]) -> list[FormField]:
    """Fields whose heading is in the body, but not where the form puts it."""
    text = _lines(body)
    positions = _in_order(text, fields)
    return [
        field
        for field, found in zip(fields, positions, strict=True)
        if found is None and _heading(field).search(text) is not None
    ]


def _lines(body: str) -> str:
    return body.replace("\r\n", "\n").replace("\r", "\n")


def _in_order(text: str, fields: list[FormField]) -> list[re.Match[str] | None]:
    """Each field's heading, looked for after the previous one found."""
    positions = []
    at = 0
    for field in fields:
        found = _heading(field).search(text, at)
        positions.append(found)
        if found is not None:
            at = found.end()
    return positions


def _heading(field: FormField) -> re.Pattern[str]:
    return re.compile(rf"^### {re.escape(field.label)}[ \t]*$", re.MULTILINE)
