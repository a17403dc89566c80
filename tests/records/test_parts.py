"""Record parts share the set naming their given fields: a third of a loaded register's
memory was these sets, one per part."""

from __future__ import annotations

import datetime as dt

from csi_tool.records.models import Milestone, Record
from csi_tool.yaml.strict import load_fast
from tests.conftest import PROJECT


def _milestone(name: str, done: bool | None = None) -> Milestone:
    given = {"name": name, "due": dt.date(2026, 3, 1)}
    return Milestone.model_validate(given if done is None else given | {"done": done})


def test_parts_given_the_same_fields_share_one_set() -> None:
    first, second, other = _milestone("a"), _milestone("b"), _milestone("c", done=True)
    assert first.model_fields_set == {"name", "due"}
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__
    assert other.model_fields_set == {"name", "due", "done"}
    assert other.__pydantic_fields_set__ is not first.__pydantic_fields_set__


def test_a_copy_with_an_update_leaves_the_shared_set_alone() -> None:
    first, second = _milestone("a"), _milestone("b")
    changed = first.model_copy(update={"done": True})
    assert changed.model_fields_set == {"name", "due", "done"}
    assert first.model_fields_set == second.model_fields_set == {"name", "due"}


def test_a_record_dumps_only_what_its_file_gave_as_before() -> None:
    text = (PROJECT / "register" / "CSI-0001.yaml").read_text(encoding="utf-8")
    data = load_fast(text, "CSI-0001.yaml")
    record = Record.model_validate(data)
    again = Record.model_validate(record.model_dump(exclude_unset=True))
    assert again == record
    assert record.model_dump(exclude_unset=True, mode="json").keys() == data.keys()


def test_parts_given_every_field_share_their_class_set_whichever_path_made_them() -> None:
    """A part read back from the record cache (JSON with every field) takes a quicker path
    to the shared set; a part read from YAML with every field gets that same set."""
    every = set(Milestone.model_fields)
    dumped = _milestone("a", done=True).model_dump_json()
    first, second = (Milestone.model_validate_json(dumped) for _ in range(2))
    assert first.model_fields_set == every
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__
    assert _milestone("b", done=False).__pydantic_fields_set__ is first.__pydantic_fields_set__
    assert _milestone("c").model_fields_set == every - {"done"}
