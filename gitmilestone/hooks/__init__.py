"""Git hooks: `install` puts shims in place (slow path), `run` is what every shim executes.

Nothing is imported here: `python -m gitmilestone.hooks.run` loads this package first, and
hooks must start fast.
"""
