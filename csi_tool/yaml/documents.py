"""Read one YAML file into a validated Pydantic model, with every finding placed on its line."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml.nodes import Node

from csi_tool.errors import Finding, YamlError
from csi_tool.fields import NOT_BLANK, SINGLE_LINE
from csi_tool.yaml import positions, strict

ModelT = TypeVar("ModelT", bound=BaseModel)

# Readable names for the patterns of models.py, so users never see a raw regular expression.
_PATTERN_HINTS = {
    "^@": "must be a handle such as @alice or @acme/service-desk",
    "^[A-Z][A-Z0-9]*-[0-9]+$": "must be a record id such as CSI-0042",
    "^[a-z0-9][a-z0-9-]*$": "must be lower-case letters a-z, digits and dashes",
    "^https?://": "must be an http:// or https:// link without spaces",
    "^[A-Za-z0-9][A-Za-z0-9._:/#-]*$": "must be an identifier such as INC0012345",
    "^[a-z][a-z0-9_]*$": "must start with a letter a-z, then lower-case letters a-z, digits and _",
    "^[a-z][a-z_]*$": "must be lower-case letters a-z and underscores",
    SINGLE_LINE: "must be one line of visible text (no tabs, line breaks or direction overrides)",
    NOT_BLANK: "must not be blank, nor hold direction overrides",
    "^[A-Z][A-Z0-9]*$": "must be upper-case letters A-Z and digits",
    "^(?:https?://": "must be a knowledge article id such as KB0010042, or an http(s) link",
}


_MESSAGES = {
    "model_type": "must be a mapping of fields (key: value)",
    "model_attributes_type": "must be a mapping of fields (key: value)",
    "dict_type": "must be a mapping (key: value)",
    "list_type": "must be a list",
    "date_from_datetime_inexact": "must be a date (YYYY-MM-DD) without a time of day",
    "date_type": "must be a date (YYYY-MM-DD)",
    "date_parsing": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "must be a date (YYYY-MM-DD)",
    "finite_number": "must be a finite number",
    "bool_type": "must be true or false",
}
# A key written at a line's start, as a block mapping's top-level keys are.
_TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(?=[ \t\r\n]|$)", re.M)
_SHOULD = re.compile(r"^(Input|String|Value|List|Dictionary) should")


@dataclass
class Document:
    """A file's text and where it lives; lines are looked up only when a finding needs one.

    A document read back from the record cache holds no text: `reread` reads the file again
    when a finding needs its lines (the text of 10,000 records is 50 MB nobody reads).
    """

    path: str  # root-relative, POSIX separators: what findings show
    _text: str | None = field(repr=False)
    _tree: positions.Tree | Node = field(default=None, repr=False)
    # Field paths of the model that the file writes elsewhere (an older schema version).
    places: Mapping[tuple[str | int, ...], tuple[str | int, ...]] = field(default_factory=dict)
    keys: tuple[str, ...] = ()  # the top-level keys the reader found, in order
    content_id: str | None = None  # the git blob id of the file's bytes, where it is known
    reread: Callable[[], str] | None = field(default=None, repr=False, compare=False)
    _key_lines: dict[str, int] | None = field(default=None, repr=False, compare=False)

    @property
    def text(self) -> str:
        """The file's text, read again if it was not kept."""
        if self._text is None:
            assert self.reread is not None, f"{self.path}: a document without text or source"
            self._text = self.reread()
        return self._text

    def same_content(self, other: Document) -> bool:
        """Whether two documents hold the same bytes (by blob id where both know theirs)."""
        if self.content_id is not None and other.content_id is not None:
            return self.content_id == other.content_id
        return self.text == other.text

    def locate(self, loc: Sequence[str | int]) -> tuple[int, int]:
        """1-based (line, column) of a field path in this file."""
        place = self._in_file(loc)
        if self._tree is None and len(place) == 1:
            found = self._top_level(place[0])
            if found is not None:
                return found
        if self._tree is None:
            self._tree = positions.compose_positions(self.text, self.path)
        return positions.locate(self._tree, place)

    def _top_level(self, key: str | int) -> tuple[int, int] | None:
        """A top-level key's place without composing the file (the slow reader's work: a
        backlog of thousands of findings on `owner` took seconds). Trusted only when the
        keys written at column 1 are exactly those the reader found, in order: a line that
        merely looks like a key (inside a multi-line string) makes them differ."""
        if not self.keys:
            return None
        if self._key_lines is None:  # once per file: a file may have thousands of findings
            written = [(m[1], m.start()) for m in _TOP_KEY.finditer(self.text)]
            lines: dict[str, int] = {}
            line, offset_seen = 1, 0
            for name, offset in written:
                line += self.text.count("\n", offset_seen, offset)
                offset_seen = offset
                lines.setdefault(name, line)
            same = tuple(name for name, _ in written) == self.keys
            self._key_lines = lines if same else {}
        if not self._key_lines:
            return None
        return self._key_lines.get(str(key), 1), 1  # a missing key: the file's start

    def finding(self, loc: Sequence[str | int], message: str, code: str = "invalid") -> Finding:
        """A finding about the field at `loc`, placed on that field's line."""
        line, column = self.locate(loc)
        return Finding(self.path, line, column, field_path(self._in_file(loc)), message, code)

    def _in_file(self, loc: Sequence[str | int]) -> tuple[str | int, ...]:
        for model_place, file_place in self.places.items():
            if tuple(loc[: len(model_place)]) == model_place:
                return (*file_place, *loc[len(model_place) :])
        return tuple(loc)

    @property
    def stem(self) -> str:
        """The file name without its suffix: a record's id."""
        name = self.path.rpartition("/")[2]
        return name.rpartition(".")[0] or name


def parse_document(data: bytes, path: str, max_bytes: int) -> tuple[Document, dict[str, Any]]:
    """Decode and parse a file's bytes; raises YamlError with the place of the problem."""
    text = strict.decode(data, path, max_bytes)
    parsed = strict.load_fast(text, path)
    document = Document(path, text, keys=tuple(parsed))
    if "\\" in text:  # raw control characters are refused by the reader; escapes make them too
        _refuse_escaped_controls(parsed, (), document)
    return document, parsed


# What an escape may not produce: every control character but tab and line feed (a carriage
# return or an escape sequence in a title would rewrite terminal and CI log lines).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _refuse_escaped_controls(value: Any, loc: tuple[str | int, ...], document: Document) -> None:
    if isinstance(value, str):
        found = _CONTROL.search(value)
        if found:
            character = f"U+{ord(found.group()):04X}"
            raise YamlError(document.finding(loc, f"control character {character} is not allowed"))
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_escaped_controls(key, (*loc, key), document)
            _refuse_escaped_controls(item, (*loc, key), document)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_escaped_controls(item, (*loc, index), document)


def validate_model(
    model: type[ModelT], data: dict[str, Any], document: Document
) -> tuple[ModelT | None, list[Finding]]:
    """Validate parsed data; Pydantic errors become findings on the offending key's line."""
    try:
        return model.model_validate(data), []
    except ValidationError as e:
        findings = sorted({_finding_from_error(error, model, document) for error in e.errors()})
        return None, findings


def field_path(loc: Iterable[str | int]) -> str:
    """`metrics[0].baseline.value` from ('metrics', 0, 'baseline', 'value')."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _finding_from_error(error: ErrorDetails, model: type[BaseModel], document: Document) -> Finding:
    loc = tuple(error["loc"])
    kind = error["type"]
    if loc and loc[-1] == "[key]":  # Pydantic's marker for a bad key of a mapping
        loc = loc[:-1]
        rule = _SHOULD.sub("must", error["msg"], count=1)
        message = f"key {str(loc[-1])!r} is not allowed here; it {rule}"
    elif kind == "extra_forbidden":
        message = f"unknown field {str(loc[-1])!r}" + _suggestion(str(loc[-1]), model, loc[:-1])
    elif kind == "missing":
        message = f"required field {str(loc[-1])!r} is missing"
    elif kind == "string_pattern_mismatch":
        pattern = str((error.get("ctx") or {}).get("pattern", ""))
        hint = next((h for p, h in _PATTERN_HINTS.items() if pattern.startswith(p)), None)
        message = hint or error["msg"]
    elif kind == "literal_error" and loc == ("schema_version",):
        expected = (error.get("ctx") or {}).get("expected", "1")
        message = (
            f"must be the number {expected} (the version this csi reads), not {error['input']!r}"
        )
    elif kind == "string_type" and type(error.get("input")) in (int, float):
        message = f"must be text; write it in quotes: '{error['input']}'"
    elif kind == "string_type" and isinstance(error.get("input"), dict):  # `Outil : le …`
        message = (
            "must be text, not a mapping (a colon and a space, or braces, make one); write "
            "the text in quotes"
        )
    elif kind in {"int_type", "float_type"} and isinstance(error.get("input"), str):
        message = (
            "must be a number, written without quotes"
            if _looks_numeric(error["input"])
            else f"must be a number, not {error['input']!r}"
        )
    elif error.get("input", "") is None:
        message = "must not be empty"
    elif kind in _MESSAGES:
        message = _MESSAGES[kind]
    else:
        message = _SHOULD.sub("must", error["msg"], count=1)
    return document.finding(loc, message)


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _suggestion(name: str, model: type[BaseModel], parent: tuple[Any, ...]) -> str:
    known = _field_names_at(model, parent)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    return f"; did you mean {close[0]!r}?" if close else ""


def _field_names_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model reached by walking `loc` through nested model fields."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or not (
            isinstance(current, type) and issubclass(current, BaseModel)
        ):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return []
        current = _innermost_model(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _innermost_model(annotation: Any) -> Any:
    """The BaseModel inside `X | None`, `list[X]` or `dict[str, X]`, else the annotation."""
    for arg in getattr(annotation, "__args__", ()):
        found = _innermost_model(arg)
        if isinstance(found, type) and issubclass(found, BaseModel):
            return found
    return annotation
