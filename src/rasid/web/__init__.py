"""The HTTP API, the web UI and their assets. Import ``rasid.web.app.create_app`` to build the
application; nothing here loads a store or templates at import time."""
