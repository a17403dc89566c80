"""Scoring, ranking, lanes, backlog findings, the ranking delta and their reports.

Imports records/, policies/, yaml/, git/ and the leaves.
"""
