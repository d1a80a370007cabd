"""Errors a user can meet: printed as one line, exit code non-zero."""


class UserError(Exception):
    """A problem with the user's input or configuration, said in one line."""
