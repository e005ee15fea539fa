"""A toy part, registered only by tests: one folder plus one registry line, as any new part."""
