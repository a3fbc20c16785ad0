"""The licences the site publishes under: MIT for the code (LICENSE), the Open Government Licence v3.0
for the content and the directory data (the footer, the ORUK API's root and its OpenAPI document)."""

OGL_NAME = "Open Government Licence v3.0"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
OGL = {"name": OGL_NAME, "url": OGL_URL}
