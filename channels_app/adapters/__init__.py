"""Channel adapters: one module per channel kind, each turning that channel's
formats into NormalizedPost. Adapters speak formats (and, for live channels,
HTTP); they never touch the database."""
