"""The stakeholder site: Markdown pages generated from the register, built by MkDocs-material."""

from pathlib import Path

DEFAULT_OUT = Path("build") / "site"  # where `csi site build` writes, under the register root
