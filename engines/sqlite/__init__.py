"""The embedded engine: one SQLite file with FTS5 and R*Tree, swapped whole on rebuild."""
