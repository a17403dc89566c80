"""The only importer of GitPython and git subprocesses: work tree and revisions as files, the log.

Imports only the leaves (errors, layout).
"""

import os

# Without a git binary GitPython refuses to import; csi must still validate files, and say
# plainly that git is missing when a command needs history. Set here, before any module of
# this wing runs `import git`.
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
