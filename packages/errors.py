"""The one error a package import raises: what is wrong with the package, in words a training
lead can act on. Nothing is stored when it is raised."""


class PackageRejected(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
