"""Finding the listings that describe one project: MinHash sketches, keys, admin rules."""
