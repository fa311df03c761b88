"""The error every validator raises: what was wrong and where in the document."""


class XapiValidationError(ValueError):
    def __init__(self, message: str, path: str = "") -> None:
        self.message = message
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)
