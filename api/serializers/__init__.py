"""API serializers, one module per area; validation messages are for people (api.errors shapes them)."""
