"""How a register lies on disk: its folders, record files and schema version.

Kept apart from the modules that read records so that light commands (a cached
`csi validate`) can know the layout without loading the record models.
"""

REGISTER_DIR = "register"
POLICIES_DIR = "policies"
RECORD_SUFFIX = ".yaml"
SCHEMA_VERSION = 2  # of records; records/versions.py reads older ones
