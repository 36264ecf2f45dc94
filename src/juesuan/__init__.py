"""juesuan: read and check Chinese department final-accounts disclosures (部门决算公开)."""

__version__ = "0.1.0"
