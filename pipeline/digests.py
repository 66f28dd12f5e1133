"""BLAKE2b, the hash of every content digest we keep (caches, stored runs, templates).

Taken from CPython's own ``_blake2`` module when it is there: ``hashlib`` would load OpenSSL
first, about 2 ms of every command's start-up, for a hash that does not need it.
"""

try:
    from _blake2 import blake2b
except ImportError:  # another Python implementation
    from hashlib import blake2b

__all__ = ["blake2b"]
