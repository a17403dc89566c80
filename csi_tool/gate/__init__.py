"""The pull-request gate: what changed, moved goalposts, approvals, values the data
contradicts, CODEOWNERS, its report.

Imports backlog/ (the ranking delta), measures/ (bound values), records/ and everything below.
"""
