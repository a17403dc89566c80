"""Measurements (typed, imported, or computed from the data for bound metrics), transitions and
the benefit review with its report.

Imports measures/, records/, policies/, yaml/, git/ and the leaves.
"""
