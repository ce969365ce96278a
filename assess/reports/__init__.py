"""Plans and reports: pure chart drawing now; plan ranking, report context and PDF later.

Importing this package loads nothing heavy: the PDF renderer (WeasyPrint) will live in its
own module, imported only where a PDF is made.
"""
