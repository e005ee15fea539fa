"""The parts of the result: one sub-package per part behind one contract."""
