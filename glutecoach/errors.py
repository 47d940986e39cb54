"""Errors a person can fix: the command line prints them and exits with status 2."""


class UserError(Exception):
    """A problem in something the user wrote or asked for; ``str()`` is the whole message."""

    exit_code = 2
