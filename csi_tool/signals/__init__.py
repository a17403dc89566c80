"""Improvement opportunities in the tickets of ITSM exports: grouped figures, statistics,
signals, coverage by records, reports and drafted records. Imports tickets/, records/,
policies/, yaml/, git/ and the leaves."""
