"""Git I/O: where the repository is, one git runner, trailers from history, the notes, the
local event-log cache, sync, snapshots and rewrites. Stdlib only except `objects` (pygit2)."""
