"""Planning analytics: dependency graph, working calendar, critical path and schedule, PERT,
Monte Carlo forecasts, burndown. Pure functions over the model; no I/O, no printing."""
