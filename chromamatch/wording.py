"""Small pieces of English the engine's texts share."""


def listed(items: list[str], conjunction: str = "and") -> str:
    """``a, b and c`` (or ``a, b or c``); a single item alone."""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {conjunction} {items[-1]}"
