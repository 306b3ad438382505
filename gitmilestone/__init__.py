"""git-milestone: milestone planning that lives in the repository."""

__version__ = "0.1.0"
