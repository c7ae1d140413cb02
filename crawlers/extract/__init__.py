"""Pure extraction: page text or record in, raw item (or a rejection) out; no I/O here."""
