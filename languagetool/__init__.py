"""Package data: the LanguageTool launcher, installed as twoway.languagetool (see twoway/resources.py).

lt-server.sh, server.properties, custom/ and pom.xml; this file only makes the folder a package
that importlib.resources can find in an editable install and in a wheel alike.
"""
