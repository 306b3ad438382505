"""The one error family: everything a user can fix is a MilestoneError with a hint."""

from __future__ import annotations


class MilestoneError(Exception):
    """A problem the user can fix. Rendered once by the CLI as `Error: ...` + `hint: ...`."""

    def __init__(
        self,
        message: str,
        hint: str = "",
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.path = path
        self.line = line
        self.field = field

    def location(self) -> str:
        parts = []
        if self.path:
            parts.append(self.path if self.line is None else f"{self.path}:{self.line}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ": ".join(parts)

    def lines(self) -> list[str]:
        where = self.location()
        out = [f"Error: {where}: {self.message}" if where else f"Error: {self.message}"]
        if self.hint:
            out.append(f"hint: {self.hint}")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


class InvalidFileError(MilestoneError):
    """A file that does not parse or does not match its schema."""


class NotFoundError(MilestoneError):
    """An ID, file or repository that is not there."""


class ConflictError(MilestoneError):
    """Another writer got there first, or the change would clash with existing state."""


class CycleError(MilestoneError):
    """Dependencies that go round in a circle; `labels` names the members in order."""

    def __init__(self, message: str, hint: str, labels: list[str], path: str | None) -> None:
        super().__init__(message, hint, path=path)
        self.labels = labels
