"""Measured judgement code: annotated corpora and their scorers."""
