"""The one exception type users see: its message says what was wrong and where."""


class MyokineError(Exception):
    """Bad input or a failed step; the command line prints it as one line."""
