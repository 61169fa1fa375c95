"""Small pieces of English the engine's texts share."""


def with_article(word: str) -> str:
    """``a heart``, ``an oval``: the indefinite article by the word's first letter (enough for
    the engine's own words, none of which starts with a silent h or a sounded u)."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def listed(items: list[str], conjunction: str = "and") -> str:
    """``a, b and c`` (or ``a, b or c``); a single item alone."""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {conjunction} {items[-1]}"
