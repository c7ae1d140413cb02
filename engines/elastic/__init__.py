"""The Elasticsearch engine: index behind an alias, pure query building."""
