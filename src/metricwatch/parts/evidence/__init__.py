"""The evidence part."""
