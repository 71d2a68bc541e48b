"""Package data: the extension's shared renderer and styles, installed as twoway.extension_lib so the
lint page can serve them (see twoway/resources.py). The browser never loads this file.
"""
