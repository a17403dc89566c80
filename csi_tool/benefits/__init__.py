"""Measurements, transitions and the benefit review with its report.

Imports records/, policies/, yaml/, git/ and the leaves.
"""
