"""Sign-in security: two-factor for staff (and providers who opt in), lockout, security headers."""
