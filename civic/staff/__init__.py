"""Staff work: the inbox of what waits for a staff member, and participation figures."""
