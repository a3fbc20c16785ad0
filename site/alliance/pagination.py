"""Page numbers of paged lists, shared by the public pages and the back-office."""


def page_number(raw: str | None) -> int:
    """A page number from the query string; anything odd means page 1, never an error."""
    try:
        return max(1, min(int(raw or 1), 1000))
    except ValueError:
        return 1
