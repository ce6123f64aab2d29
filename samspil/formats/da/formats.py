"""Danish date formats for the admin and the site, over Django's ``da`` formats.

Django's "M" is the English-style title-cased abbreviation ("1. Dec 2026"); Danish writes the
month in lower case with the Retskrivningsordbog's abbreviations, which Django's "N" gives in
Danish: "1. dec. 2026", "3. marts 2026", "9. sept. 2026". Templates say ``date:"DATE_FORMAT"``
(or DATETIME_FORMAT, MONTH_DAY_FORMAT) instead of spelling out a format, so this file is the
one place that decides. Every name not set here (input formats, separators, the short
numeric formats) falls back to Django's own ``da`` module.
"""

DATE_FORMAT = "j. N Y"
DATETIME_FORMAT = "j. N Y H:i"
MONTH_DAY_FORMAT = "j. N"
