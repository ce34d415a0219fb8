"""The baseline: the smallest Flask app, served by gunicorn exactly like the real one."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "Bonjour depuis l'atelier numérique."
