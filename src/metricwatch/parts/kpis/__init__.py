"""The kpis part."""
