"""Every policy model, the set of policy files, and loading policies/*.yaml.

Imports yaml/, git/ and the leaves.
"""
