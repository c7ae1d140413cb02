"""The Elasticsearch query builder is pure: requests map to bodies, checked by equality."""

from __future__ import annotations

from engines.base import BBox, GeoPoint, MapRequest, SearchRequest
from engines.elastic.map_query import clusters_body, points_body
from engines.elastic.query import (
    geo_filters,
    scan_body,
    search_body,
    selection_filters,
    sort_clause,
    stats_body,
    text_query,
)
from engines.elastic.related import similar_body, suggest_body
from tests.factories import project


def test_each_concept_is_met_by_its_stemmed_phrases_and_all_but_one_are_required() -> None:
    query = text_query(SearchRequest(text="L'Épicerie solidaire de Moulins"))
    met = query["bool"]["must"][0]["bool"]
    assert met["minimum_should_match"] == 1
    first = met["should"][0]["bool"]["must"][0]["dis_max"]["queries"]
    assert first[0]["multi_match"]["query"] == "epicer solidair"
    assert first[0]["multi_match"]["fields"][0] == "stem.title^3.0"
    phrases = [q["multi_match"]["query"] for q in first if "multi_match" in q]
    assert "epicer social" in phrases  # a synonym, searched as a phrase
    close, synonym, *_, apart = (q["multi_match"] for q in first)
    assert (close["type"], close["slop"]) == ("phrase", 3)  # the typed words, close together
    assert (synonym["query"], synonym["type"], synonym["boost"]) == ("epicer social", "phrase", 0.5)
    assert (apart["type"], apart["operator"], apart["boost"]) == ("cross_fields", "and", 0.5)
    # The best way met gives the tier: a kind's 1,100 named, 3/4 of it by its words apart.
    tiers = met["should"][0]["bool"]["should"][0]["dis_max"]["queries"]
    assert [t["constant_score"]["boost"] for t in (tiers[0], tiers[-1])] == [1100.0, 825.0]


def test_a_lone_concept_of_several_words_is_partly_met_by_any_of_them() -> None:
    met = text_query(SearchRequest(text="conciergerie solidaire"))["bool"]["must"][0]["bool"]
    ways = met["should"][0]["bool"]["must"][0]["dis_max"]["queries"]
    partly = ways[-1]["multi_match"]
    assert (partly["query"], partly["operator"]) == ("concierger solidair", "or")
    tiers = met["should"][0]["bool"]["should"][0]["dis_max"]["queries"]
    assert tiers[-1]["constant_score"]["boost"] == 550.0
    assert text_query(SearchRequest(text="conciergerie solidaire", partly=False)) != met


def test_a_named_theme_is_met_by_its_code_too() -> None:
    query = text_query(SearchRequest(text="insertion"))
    alternatives = query["bool"]["must"][0]["bool"]["should"][0]["bool"]["must"][0]["dis_max"]
    codes = [q for q in alternatives["queries"] if "constant_score" in q]
    assert codes[0]["constant_score"]["filter"] == {"terms": {"codes": ["INS"]}}


def test_a_title_or_organisation_equal_to_the_query_ranks_first() -> None:
    query = text_query(SearchRequest(text="Repair Café", typed="Repair Café de Vichy"))
    names = query["bool"]["should"][0]["constant_score"]["filter"]["bool"]["should"]
    keys = ["repair caf", "repair caf vichy"]
    assert names == [{"terms": {"title_key": keys}}, {"terms": {"organisation_key": keys}}]


def test_an_empty_or_stopword_query_matches_everything() -> None:
    assert text_query(SearchRequest(text="")) == {"match_all": {}}
    assert text_query(SearchRequest(text="de la")) == {"match_all": {}}


def test_selections_go_to_post_filter_and_to_the_other_facets_only() -> None:
    request = SearchRequest(
        filters={"domain": ("inclusion",), "source": ("avise", "mot")},
        facets=("domain", "source", "region"),
    )
    body = search_body(request)
    domain, source = (
        {"terms": {"domains": ["inclusion"]}},
        {"terms": {"sources.source": ["avise", "mot"]}},
    )
    assert body["post_filter"] == {"bool": {"filter": [domain, source]}}
    assert body["aggs"]["domain"]["filter"] == {"bool": {"filter": [source]}}
    assert body["aggs"]["source"]["filter"] == {"bool": {"filter": [domain]}}
    assert body["aggs"]["region"]["filter"] == {"bool": {"filter": [domain, source]}}


def test_the_viewport_filters_the_main_query() -> None:
    body = search_body(SearchRequest(bbox=BBox(south=45.0, west=2.0, north=47.0, east=4.0)))
    assert body["query"]["bool"]["filter"] == [
        {
            "geo_bounding_box": {
                "location": {
                    "top_left": {"lat": 47.0, "lon": 2.0},
                    "bottom_right": {"lat": 45.0, "lon": 4.0},
                }
            }
        }
    ]
    assert "post_filter" not in body


def test_paging_and_order() -> None:
    body = search_body(SearchRequest(page=3, size=40))
    assert (body["from"], body["size"]) == (80, 40)
    assert body["sort"] == [{"sort_title": "asc"}, {"id": "asc"}]
    assert search_body(SearchRequest(text="jardin"))["sort"][0] == "_score"


def test_empty_selections_add_no_filter() -> None:
    assert selection_filters(SearchRequest(filters={"domain": ()})) == []


def test_a_scan_chunk_is_the_search_without_counts_facets_or_offset() -> None:
    request = SearchRequest(
        text="jardin", filters={"domain": ("inclusion",)}, after=(1.5, "a", "b")
    )
    body = scan_body(request)
    search = search_body(request)
    assert "aggs" not in body and "from" not in body
    assert body["track_total_hits"] is False
    assert (body["query"], body["post_filter"]) == (search["query"], search["post_filter"])
    assert (body["sort"], body["search_after"]) == (search["sort"], [1.5, "a", "b"])


def test_stats_count_contributors_and_projects_listed_twice() -> None:
    aggs = stats_body()["aggs"]
    assert aggs["contributors"]["cardinality"]["field"] == "sources.source"
    assert aggs["multi_listed"] == {"filter": {"range": {"listed_by": {"gte": 2}}}}


def test_each_sort_ends_on_the_id() -> None:
    near = GeoPoint(46.5, 3.3)
    distance = {"location": {"lat": 46.5, "lon": 3.3}, "order": "asc", "unit": "km"}
    assert sort_clause(SearchRequest(sort="title", text="jardin")) == [
        {"sort_title": "asc"},
        {"id": "asc"},
    ]
    assert sort_clause(SearchRequest(sort="distance", near=near)) == [
        {"_geo_distance": {**distance, "distance_type": "arc"}},
        {"id": "asc"},
    ]
    assert sort_clause(SearchRequest(sort="recent")) == [
        {"first_seen": {"order": "desc"}},
        {"id": "asc"},
    ]
    assert sort_clause(SearchRequest(sort="distance")) == sort_clause(SearchRequest())


def test_a_radius_is_a_geo_distance_filter_beside_the_viewport() -> None:
    box = BBox(south=45.0, west=2.0, north=47.0, east=4.0)
    request = SearchRequest(bbox=box, near=GeoPoint(46.5, 3.3), radius_km=12.5)
    assert geo_filters(request)[1] == {
        "geo_distance": {"distance": "12.5km", "location": {"lat": 46.5, "lon": 3.3}}
    }
    assert len(geo_filters(SearchRequest(near=GeoPoint(46.5, 3.3)))) == 0


def test_map_clusters_count_located_selected_hits_in_viewport_cells() -> None:
    box = BBox(south=45.0, west=2.0, north=47.0, east=4.0)
    request = MapRequest(SearchRequest(bbox=box, filters={"domain": ("inclusion",)}), zoom=6)
    body = clusters_body(request)
    assert body["query"]["bool"]["filter"] == [
        {"terms": {"domains": ["inclusion"]}},
        {"exists": {"field": "location"}},
    ]
    grid = body["aggs"]["cells"]["geotile_grid"]
    assert (grid["precision"], grid["size"]) == (8, 4_000)
    assert grid["bounds"] == {
        "top_left": {"lat": 47.0, "lon": 2.0},
        "bottom_right": {"lat": 45.0, "lon": 4.0},
    }
    assert points_body(request)["size"] == request.max_points


def test_title_suggestions_need_each_word_start_and_rank_whole_words() -> None:
    body = suggest_body(["jard", "part"], 8)
    assert body["query"]["bool"]["filter"] == [
        {"prefix": {"fold.title": "jard"}},
        {"prefix": {"fold.title": "part"}},
    ]
    assert body["query"]["bool"]["should"][1] == {
        "constant_score": {"filter": {"term": {"fold.title": "part"}}}
    }
    assert body["sort"] == ["_score", {"title_words": "asc"}, {"sort_title": "asc"}, {"id": "asc"}]


def test_similar_projects_share_distinctive_words_or_codes_near_enough() -> None:
    target = project("p-a", "Jardin partagé", codes=["AGR", "AGR", "ALI"])
    body = similar_body(target, 5, GeoPoint(46.5, 3.3), 20.0)
    query = body["query"]["bool"]
    words, *codes = query["should"]
    assert words["more_like_this"]["like"][0]["doc"]["stem"]["title"] == "jardin partag"
    assert words["more_like_this"]["fields"] == [
        "stem.title",
        "stem.summary",
        "stem.tags",
        "stem.description",
    ]
    assert [c["constant_score"]["filter"] for c in codes] == [
        {"term": {"codes": "AGR"}},
        {"term": {"codes": "ALI"}},
    ]
    assert query["must_not"] == [{"ids": {"values": ["p-a"]}}]
    assert query["filter"][0]["geo_distance"]["distance"] == "20.0km"
    assert "filter" not in similar_body(target, 5, GeoPoint(46.5, 3.3), None)["query"]["bool"]
