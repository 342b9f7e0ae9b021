"""Routes inbound texts to people, projects or the mailroom."""
