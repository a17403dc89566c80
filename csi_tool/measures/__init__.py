"""Measures over the tickets of ITSM exports: periods, one query per measure for every metric
bound to it, and the check of recorded values against the data. Imports tickets/, records/,
policies/, yaml/ and the leaves."""
