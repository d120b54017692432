"""Opinion maps (意見マップ): Polis-style conversations."""
