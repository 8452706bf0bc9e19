"""Generated documentation pages: the data dictionary, the errata and the checks, all derived from
the package and the registry so they cannot go stale."""
