"""The Gradio front end (presentation only): `ui.app.create_app` builds it, `launch` serves it."""
