"""Public pages: the home page, screening and symptom content, and site search."""
