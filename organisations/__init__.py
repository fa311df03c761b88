"""The organisation people work in: departments, job roles and each person's membership."""
