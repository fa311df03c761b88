"""Pure validation of xAPI data: JSON in, a cleaned copy or an XapiValidationError out."""

from xapi.validation.errors import XapiValidationError
from xapi.validation.statement import validate_statement

__all__ = ["XapiValidationError", "validate_statement"]
