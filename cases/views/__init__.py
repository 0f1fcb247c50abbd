"""Console views, one module per page; thin: they parse input, call selectors and services, render."""
