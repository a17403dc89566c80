"""The click commands: parse arguments, call one core function, map the result to an exit code.

Imports every wing; nothing imports cli/.
"""
