"""Genetic testing for inherited cancer risk: the tests, the local services, and a short guide."""
