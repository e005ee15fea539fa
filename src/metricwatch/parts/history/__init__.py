"""The history part: the report over time."""
