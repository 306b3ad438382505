"""The core: the plan as data, events, trailers and phases. Pure and stdlib-only, so the hooks
can use it on every commit."""
