"""Flying Python: the ``flypy`` command-line tool, installed as an executable beside this
package (``python -m flypy`` runs it)."""
