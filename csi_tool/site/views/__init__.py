"""The pages of the site, one module per page or kind of page: each turns SiteData into HTML.

Views import the site's plumbing (data, markup, charts, pages) and the analysis wings below;
builder.py imports them, never the other way round.
"""
