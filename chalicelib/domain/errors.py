"""The one error a value check raises: its message is the reason a report shows."""


class InvalidValue(ValueError):
    """A value the contract does not accept; `str()` is the human reason."""
