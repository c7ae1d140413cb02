"""Contributor configs: their typed model, the YAML schema that reads them, loading a folder."""
