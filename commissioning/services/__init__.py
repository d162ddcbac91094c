"""Services: every write the portal makes (keyword-only, ``actor=``, atomic, audited)."""
