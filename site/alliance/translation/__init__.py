"""Translations people can trust: review state, the review queue and the review screens."""
