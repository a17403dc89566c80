"""What every policy model shares: strict frozen models, state names, and placed problems."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

StateName = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z_]*$", max_length=40),
    Field(description="A workflow state name such as `in_progress`."),
]


class PolicyModel(BaseModel):
    """Base of every policy file's model: unknown keys refused, values frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


@dataclass(frozen=True)
class PolicyProblem:
    """A rule a policy breaks, placed at a field path for locating its line."""

    loc: tuple[str | int, ...]
    message: str
