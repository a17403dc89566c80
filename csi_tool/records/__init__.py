"""Records: models, checks, readiness, loading a register, csi new, schema and validate, edits.

Imports policies/, yaml/, git/ and the leaves.
"""
