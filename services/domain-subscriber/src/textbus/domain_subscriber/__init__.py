"""Carrier webhook domain subscriptions and their renewal."""
