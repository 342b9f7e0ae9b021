"""Users, SMS groups, connector-app sync tasks and enterprise SMS settings."""
