"""The stakeholder site, generated from the register and built by MkDocs-material. Imports
backlog/, benefits/, history/, signals/, records/ and below."""

from pathlib import Path

DEFAULT_OUT = Path("build") / "site"  # where `csi site build` writes, under the register root
