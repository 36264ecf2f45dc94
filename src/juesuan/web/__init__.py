"""The web app (FastAPI, server-rendered Jinja2 pages, JSON API). See :func:`create_app`."""

from __future__ import annotations

from .app import create_app, is_loopback

__all__ = ["create_app", "is_loopback"]
