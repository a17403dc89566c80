"""Bytes to data and back: the strict reader, the fast path, round-trip edits, atomic writes.

Imports only the leaves (errors, fields).
"""
