"""The shared base every layer stands on: settings, records, text folding, facets, raw store."""
