"""A FAKE for the fault case drift-spark-not-installed (a machine without PySpark): put on
PYTHONPATH, it shadows the installed PySpark and fails to import the way a missing package does.
Nothing else uses it."""

raise ModuleNotFoundError("No module named 'pyspark'", name="pyspark")
