"""csi init: a working register, policies, site and CI workflows added to a repository.

Imports gate/ (CODEOWNERS), records/ and everything below them.
"""
