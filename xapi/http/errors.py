"""Errors the LRS answers with: a status code and a JSON body saying what was wrong."""


class XapiHttpError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        version: str | None = None,
    ):
        self.status = status
        self.message = message
        self.headers = headers or {}
        # The xAPI version to answer in, when the request did not establish one.
        self.version = version
        super().__init__(message)


def bad_request(message: str) -> XapiHttpError:
    return XapiHttpError(400, message)
