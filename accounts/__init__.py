"""People who use the platform: the custom User, sign-in through allauth, MFA and roles."""
