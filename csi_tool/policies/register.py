"""policies/register.yaml: the shape of the register itself (id format, file size limit)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field

from csi_tool.policies.base import PolicyModel

_ASCII_DIGITS = re.compile(r"^[0-9]+$")  # str.isdigit() also accepts '²' and other digits


class IdFormat(PolicyModel):
    """How record ids are built."""

    prefix: str = Field(
        pattern=r"^[A-Z][A-Z0-9]*$", max_length=10, description="Letters before the dash."
    )
    digits: int = Field(ge=1, le=9, description="Zero-padded width of the number.")

    def format(self, number: int) -> str:
        """The id of record number `number`, e.g. CSI-0042."""
        return f"{self.prefix}-{number:0{self.digits}d}"

    def matches(self, record_id: str) -> bool:
        """Whether `record_id` has this prefix and at least this many digits."""
        head, _, number = record_id.partition("-")
        return (
            head == self.prefix
            and _ASCII_DIGITS.match(number) is not None
            and len(number) >= self.digits
        )

    def pattern(self) -> str:
        """Regular expression that matches every id of this format."""
        return rf"^{self.prefix}-[0-9]{{{self.digits},}}$"


class RegisterPolicy(PolicyModel):
    """policies/register.yaml: the shape of the register itself."""

    schema_version: Literal[1] = Field(description="Version of the policy format; always 1.")
    id: IdFormat = Field(description="Record id format.")
    max_file_bytes: int = Field(
        262_144, ge=1024, le=10_485_760, description="Largest record or policy file accepted."
    )
