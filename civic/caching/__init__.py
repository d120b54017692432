"""Generational fragment cache for the busiest pages (proposal lists, comment threads, search)."""
