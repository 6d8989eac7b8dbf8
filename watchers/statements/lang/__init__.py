"""The languages statement extraction reads: one package per language (`en`; `ru` is planned).

Each package is a small grammar module (verb inflection, quote marks, patterns) that loads its
vocabulary from word-table files beside it through `data`, under the attribute names the extractor
uses; a new language defines the same names.
"""
