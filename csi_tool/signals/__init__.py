"""Evidence from ITSM exports: a sandboxed analytical engine, export profiles, canonical tickets.

Imports records/, policies/, yaml/, git/ and the leaves.
"""
