"""API views, one module per area; each module's register(router) adds its routes under /api/v1/."""
