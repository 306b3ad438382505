"""YAML files on disk, atomic writes and local caches."""
