"""The stakeholder site: Markdown pages generated from the register, built by MkDocs-material."""
