"""The audit trail from git: each record's trail, lead times, and their report.

Imports records/, policies/, yaml/, git/ and the leaves.
"""
