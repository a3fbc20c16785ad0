"""The yardstick: a bare Flask route, served by the same gunicorn setup as the site."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def bare():
    return "<!DOCTYPE html><html lang='en'><title>Bare</title><p>Hello</p></html>"
