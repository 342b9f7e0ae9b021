"""The service kit: what every textbus service is built from, written once."""
