"""The repro part."""
