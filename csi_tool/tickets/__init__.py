"""ITSM exports as canonical tickets: sources resolved and prepared, a sandboxed DuckDB engine,
export profiles, and one row per ticket. Imports policies/, yaml/ and the leaves."""
