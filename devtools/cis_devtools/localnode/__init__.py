"""A real single-node Elasticsearch for development and tests, installed from Maven Central."""
