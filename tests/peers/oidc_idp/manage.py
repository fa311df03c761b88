"""Run the test OpenID provider's Django commands (migrate, idp_setup, runserver)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.peers.oidc_idp.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
