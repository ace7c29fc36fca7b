"""One module per kind of graph: ``prepare`` (main process, pure) and ``draw`` (worker)."""
