"""The report's content: section texts in English and Spanish, HTML tables, section builders.

These presenters consume `metricwatch.result.MonitoringResult` only; the notebooks call them.
"""
