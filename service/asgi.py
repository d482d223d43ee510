"""The ASGI application for ``uvicorn service.asgi:app`` (what ``jiuzhu serve`` runs)."""

from .app import create_app

app = create_app(serving=True)
