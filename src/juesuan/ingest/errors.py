"""The one error type for input that cannot be used (CLI exit code 2)."""


class InputError(Exception):
    """The input is unusable: empty, binary, unreadable, or holds no recognisable table."""
