"""`csi evidence`: the ISO/IEC 20000-1 clause 10 evidence pack of a window of time.

Imports history/, benefits/, records/, policies/ and below.
"""
