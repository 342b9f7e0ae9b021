"""Outbound and inbound traffic per carrier."""
