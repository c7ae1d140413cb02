"""Indexer: raw store → normalised listings → merged projects → engine (the only writer)."""
