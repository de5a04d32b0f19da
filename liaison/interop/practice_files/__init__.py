"""Practice files: a practice's whole history as one folder of CSV files, in and out.

The format is described for practices in docs/practice-files.md and, as data, in schema.py.
"""
