"""The use cases: one module per command group, each a function of the workspace and the
arguments that returns data. Nothing here prints or imports click."""
