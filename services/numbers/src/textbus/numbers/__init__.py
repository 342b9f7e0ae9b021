"""The number inventory and the assignment constraints."""
