"""The one error type for input that cannot be used (CLI exit code 2)."""


class InputError(Exception):
    """The input is unusable: empty, binary, unreadable, or holds no recognisable table."""


def unreadable(what: object, exc: OSError) -> InputError:
    """The one-line error for a file that cannot be opened (``what``: its name or path)."""
    if isinstance(exc, FileNotFoundError):
        return InputError(f"{what}: 文件不存在 (no such file)")
    if isinstance(exc, IsADirectoryError):
        return InputError(f"{what}: 是目录而不是文件 (is a directory)")
    return InputError(f"{what}: 无法读取 ({exc.strerror})")
