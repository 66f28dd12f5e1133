"""A localization pipeline for technical documentation: extract, update, build, check."""

__version__ = "0.1.0"
