"""The lead-scoring runner: loads raw files, drives dbt, validates and reports.

SQL does the scoring (the dbt project); this package only orchestrates.
"""
