"""The LRS's HTTP interface: request handling shared by every resource, and the resources."""
