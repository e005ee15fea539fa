"""The integrity part."""
