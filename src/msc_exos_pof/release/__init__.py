"""Releasing the data: ``diff`` two versions and the bump they need, keep ``hashes`` true, and
``cite`` a release."""
