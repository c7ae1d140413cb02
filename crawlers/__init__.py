"""Config-driven, polite, incremental Scrapy crawlers that feed the raw store.

Data flow: a contributor config (``crawlers/sources/*.yaml``) → one generic spider per
source kind → pure extraction functions → item pipeline (validate, drop with a reason)
→ raw store (``data/raw/<source>/<run>.jsonl``) plus a run report. The indexer reads the
raw store only (``cis.raw_store.RawStore``).
"""
