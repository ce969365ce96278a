"""Coaching-plan reports: choose and rank actions, build the report context, render to PDF.

The only package that imports WeasyPrint; it reads :mod:`assess.scoring` and
:mod:`assess.definitions` and never the database.
"""
