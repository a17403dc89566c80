"""What csi keeps between runs, in the user's cache folder and never in the repository: each
record file's reading (the record cache) and `csi validate`'s results. Every entry's key
holds csi's code and what the result depends on, so a stale entry is never served; a cache
that cannot be used is not used. Imports yaml/ and git/ (and the leaves) only."""
