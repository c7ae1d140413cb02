"""The root of every failure CIS reports to a user as one line, without a traceback."""


class CisError(Exception):
    """A known failure with a message that says what to do."""

    exit_code = 2  # what the `cis` command exits with
