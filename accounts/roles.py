"""The five roles of the platform, each backed by a Django group with real permissions."""

from enum import StrEnum


class Role(StrEnum):
    LEARNER = "Learner"
    TRAINING_LEAD = "Training lead"
    DEPARTMENT_LEAD = "Department lead"
    CTO_OFFICE = "CTO office"
    ADMINISTRATOR = "Administrator"

    @property
    def description(self) -> str:
        return ROLE_DESCRIPTIONS[self]


ROLE_DESCRIPTIONS = {
    Role.LEARNER: "Self-assesses, takes courses and keeps a learning plan.",
    Role.TRAINING_LEAD: "Authors and publishes course modules in the content management system.",
    Role.DEPARTMENT_LEAD: "Reviews their own department's skills and their direct reports.",
    Role.CTO_OFFICE: "Compares departments and decides where to invest in skills.",
    Role.ADMINISTRATOR: "Runs the platform: people, organisation, frameworks and settings.",
}

# Roles whose holders can change content or see other people's data: MFA may be required of them.
STAFF_ROLES = (Role.TRAINING_LEAD, Role.DEPARTMENT_LEAD, Role.CTO_OFFICE, Role.ADMINISTRATOR)
