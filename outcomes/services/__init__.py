"""Outcomes' write side: one function per transition (awards, returns, payments)."""
