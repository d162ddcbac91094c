from .reporting import hooks  # noqa: F401
