"""The drift part."""
