"""Statements: who said what in one article's text. `extract_statements` is the entry point."""

from watchers.statements.extract import extract_statements

__all__ = ["extract_statements"]
