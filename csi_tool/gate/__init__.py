"""The pull-request gate: what changed, moved goalposts, approvals, CODEOWNERS, its report.

Imports backlog/ (the ranking delta), records/ and everything below them.
"""
