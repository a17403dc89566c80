"""An issue form's answers as a `logged` record, or what is missing, in words.

Every answer reaches the record through the YAML writer and is validated before anything
is written, exactly as `csi validate` reads it. What cannot become a valid record is said
per question of the form, by its label, and never by quoting the proposer's text back
(the comment is posted on the issue, and the text is untrusted).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from csi_tool.errors import CsiError
from csi_tool.fields import SourceKind
from csi_tool.git.repo import revision_exists
from csi_tool.git.revisions import GitRevision
from csi_tool.intake.issue_form import FormField, Proposal, form_fields, out_of_order
from csi_tool.intake.messages import branch_name
from csi_tool.layout import REGISTER_DIR
from csi_tool.policies.policy_set import Policies
from csi_tool.records.models import Record
from csi_tool.records.new import NewRecord, next_record_id, write_new_record
from csi_tool.yaml import roundtrip, strict
from csi_tool.yaml.documents import Document, validate_model

TITLE_PREFIX = "[Improvement]:"  # the form's default title, which proposers keep or not
# Characters that reorder or hide text (Trojan Source): a record refuses them, so the
# proposer is asked to remove them rather than have them dropped unseen.
_HIDDEN = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Control characters, lone surrogates (no text holds them), and characters that show as
# nothing: a zero-width space, word joiner, byte-order mark, Hangul fillers, tag characters.
# (Zero-width joiners stay: emoji and several scripts need them.)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u115f\u1160\u3164\uffa0\U000e0000-\U000e007f]")
_URL = re.compile(r"^https?://[^\s<>\"']+$")
_TICKET = re.compile(r"^[A-Za-z]{2,}[0-9]{3,}$")
_HANDLE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$")  # a GitHub login


@dataclass(frozen=True)
class Draft:
    """The record drafted from a proposal, or the problems that stop it."""

    tree: CommentedMap | None
    problems: list[str]


def draft_record(root: Path, policies: Policies, proposal: Proposal, today: dt.date) -> Draft:
    """A new record in the workflow's initial state holding the proposal's answers."""
    fields = {field.id: field for field in form_fields()}
    problems = _unusable_text(proposal, fields)
    title = " ".join(proposal.title.split())
    if title.lower().startswith(TITLE_PREFIX.lower()):
        title = title[len(TITLE_PREFIX) :].strip()
    misplaced = out_of_order(proposal.body, list(fields.values()))
    for field in misplaced:
        problems.append(
            f"the heading “### {field.label}” is not where the form puts it; keep the "
            "form's questions in their order."
        )
    for field in fields.values():
        answer = proposal.answers.get(field.id)
        if field.required and answer is None and field not in misplaced:
            problems.append(f"“{field.label}” has no answer; it is needed for the record.")
        if field.options and answer is not None and answer not in field.options:
            problems.append(
                f"“{field.label}” must be one of the form's choices, with nothing added "
                "after it (text added at the end of the issue lands there)."
            )
    if problems:
        return Draft(None, problems)
    answers = {key: value for key, value in proposal.answers.items() if value is not None}
    tree = CommentedMap()
    tree["schema_version"] = 2
    tree["id"] = _earlier_id(root, proposal, policies) or next_record_id(root, policies.register.id)
    tree["title"] = title
    tree["created"] = today
    tree["service"] = " ".join(answers["service"].split())
    tree["status"] = policies.workflow.initial
    tree["source"] = _source(proposal, answers, fields["source_kind"])
    current = CommentedMap()
    current["summary"] = answers["current_state"]
    tree["current_state"] = current
    vision = CommentedMap()
    vision["statement"] = answers["vision"]
    vision["business_value"] = answers["cost"]
    tree["vision"] = vision
    problems = _invalid(tree, fields)
    return Draft(None if problems else tree, problems)


def write_draft(root: Path, policies: Policies, draft: Draft) -> NewRecord:
    assert draft.tree is not None
    return write_new_record(root, policies, draft.tree)


def _unusable_text(proposal: Proposal, fields: dict[str, FormField]) -> list[str]:
    """Hidden direction marks and control characters, per question (and in the title)."""
    texts = [("the title", proposal.title)]
    texts += [(f"“{fields[key].label}”", value or "") for key, value in proposal.answers.items()]
    problems = []
    for where, text in texts:
        if _HIDDEN.search(text):
            problems.append(
                f"{where} contains invisible characters that change the direction of text "
                "(such as U+202E); please remove them."
            )
        elif _CONTROL.search(text.replace("\t", " ")):
            problems.append(f"{where} contains control characters; please remove them.")
        elif _INVISIBLE.search(text):
            problems.append(
                f"{where} contains characters that show as nothing (such as a zero-width "
                "space); please remove them."
            )
    return problems


def _source(proposal: Proposal, answers: dict[str, str], kind_field: FormField) -> CommentedMap:
    source = CommentedMap()
    source["kind"] = _source_kind(answers.get("source_kind"))
    incidents, problems, links, rest = _references(answers.get("references", ""))
    if proposal.url and _URL.match(proposal.url):
        links.insert(0, proposal.url)
    references = CommentedMap()
    if incidents:
        references["incidents"] = CommentedSeq(incidents)
    if problems:
        references["problems"] = CommentedSeq(problems)
    references["links"] = CommentedSeq(links)
    source["references"] = references
    note = f"Raised in issue #{proposal.number}"
    if rest:  # words or numbers a reference list cannot hold are kept, not dropped
        note += ". References given: " + " ".join(answers["references"].split())
    source["note"] = note + "."
    if proposal.author and _HANDLE.match(proposal.author):
        source["raised_by"] = f"@{proposal.author}"
    return source


def _source_kind(answer: str | None) -> str:
    wanted = "_".join((answer or "other").lower().split())
    return wanted if wanted in {kind.value for kind in SourceKind} else SourceKind.OTHER.value


def _references(text: str) -> tuple[list[str], list[str], list[str], bool]:
    """Incident and problem numbers and links in free text, and whether anything else is
    there (a change number, a word)."""
    incidents: list[str] = []
    problems: list[str] = []
    links: list[str] = []
    rest = False
    for token in re.split(r"[\s,;]+", text):
        while token != (bare := token.strip("()[]<>\"'").rstrip(".:!?")):
            token = bare  # brackets and the end of a sentence are no part of it
        scheme, colon, address = token.partition("://")
        if colon and scheme.lower() in ("http", "https"):
            token = f"{scheme.lower()}://{address}"
        if not token:
            continue
        if _URL.match(token) and len(token) <= 2000:
            links.append(token)
        elif _TICKET.match(token) and token.upper().startswith("INC"):
            incidents.append(token.upper())
        elif _TICKET.match(token) and token.upper().startswith("PRB"):
            problems.append(token.upper())
        else:
            rest = True
    return _unique(incidents), _unique(problems), _unique(links), rest


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


# Where each part of the record comes from on the form, for saying what to fix.
_ORIGIN = {
    "title": "the title",
    "service": "service",
    "current_state": "current_state",
    "vision": "vision",
    "business_value": "cost",
    "references": "references",
    "note": "references",
}


def _invalid(tree: CommentedMap, fields: dict[str, FormField]) -> list[str]:
    """The record read back as `csi validate` reads it; each finding as the question to fix."""
    text = roundtrip.dump_roundtrip(tree)
    document = Document("proposal.yaml", text)
    _, findings = validate_model(Record, strict.load_fast(text, "proposal.yaml"), document)
    problems = []
    for finding in findings:
        parts = finding.field.split(".")
        origin = next((_ORIGIN[p] for p in reversed(parts) if p in _ORIGIN), None)
        where = fields[origin].label if origin in fields else (origin or "the issue")
        where = f"“{where}”" if origin in fields else where
        limit = re.search(r"at most ([0-9,]+) characters", finding.message)
        if limit:
            most = int(limit.group(1).replace(",", ""))
            problems.append(f"{where} is too long: at most {most:,} characters.")
        elif "title" in parts and "at least" in finding.message:
            problems.append("the title is too short: say the improvement in a few words.")
        else:
            problems.append(f"{where} cannot be used as it is ({finding.message}).")
    return problems


def _earlier_id(root: Path, proposal: Proposal, policies: Policies) -> str | None:
    """The id this issue's proposal took before (accepted again after an edit): the record
    keeps it, rather than taking the next one because its own branch holds it."""
    ref = f"refs/remotes/origin/{branch_name(proposal)}"
    if not revision_exists(root, ref):
        return None
    try:
        proposed = set(GitRevision(root, ref).list_files(REGISTER_DIR) or [])
        base = set(GitRevision(root, "HEAD").list_files(REGISTER_DIR) or [])
    except CsiError:
        return None
    stems = [PurePosixPath(path).stem for path in proposed - base]
    ids = [stem for stem in stems if policies.register.id.matches(stem)]
    return ids[0] if len(ids) == 1 else None
