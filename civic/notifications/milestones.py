"""Which support counts are worth telling the proposer about. Pure: no Flask, no database."""


def is_milestone(count: int, threshold: int | None = None) -> bool:
    """10, 50, then 100, 200, 500, 1,000, 2,000, 5,000 … — and the process's threshold."""
    if count <= 0:
        return False
    if threshold and count == threshold:
        return True
    if count in (10, 50):
        return True
    if count < 100:
        return False
    magnitude = 10 ** (len(str(count)) - 1)
    return count % magnitude == 0 and count // magnitude in (1, 2, 5)
