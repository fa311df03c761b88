"""Small frameworks for tests, in the same declarative shape as the seed files."""

import copy

MINI = {
    "slug": "mini",
    "version": "1.0",
    "name": "Mini framework",
    "publisher": "Test publisher",
    "source": "Written for tests",
    "licence": "CC BY 4.0",
    "status": "published",
    "description": "Two areas, three competencies.",
    "levels": [
        {"number": 0, "name": "Not yet", "description": "No evidence yet."},
        {"number": 1, "name": "Awareness", "description": "Knows the idea."},
        {"number": 2, "name": "Working", "description": "Applies it in routine work."},
        {"number": 3, "name": "Practitioner", "description": "Handles the unusual."},
        {"number": 4, "name": "Expert", "description": "Sets direction."},
    ],
    "areas": [
        {
            "code": "DA",
            "title": "Data",
            "description": "Working with data.",
            "competencies": [
                {
                    "code": "DA.1",
                    "title": "Data literacy",
                    "description": "Questioning and using data.",
                    "descriptors": {
                        "1": "Reads a chart.",
                        "2": "Builds a chart.",
                        "3": "Designs a dashboard.",
                        "4": "Sets data strategy.",
                    },
                    "crosswalk": [
                        {"scheme": "DigComp 2.2", "code": "1.1", "verified": True},
                        {"scheme": "e-CF", "code": "D.7", "verified": False},
                    ],
                },
                {
                    "code": "DA.2",
                    "title": "Data ethics",
                    "description": "Using data responsibly.",
                    "descriptors": {"2": "Spots an ethical risk."},
                    "crosswalk": [],
                },
            ],
        },
        {
            "code": "SP",
            "title": "Security",
            "description": "Staying safe.",
            "competencies": [
                {
                    "code": "SP.1",
                    "title": "Cyber hygiene",
                    "description": "Devices and accounts.",
                    "descriptors": {
                        "1": "Uses strong passwords.",
                        "2": "Uses MFA everywhere.",
                        "3": "Helps colleagues.",
                        "4": "Sets policy.",
                    },
                    "crosswalk": [],
                }
            ],
        },
    ],
}

DIGCOMP_MINI = {
    "slug": "digcomp22",
    "version": "2.2",
    "name": "DigComp (test subset)",
    "status": "published",
    "levels": [{"number": n, "name": f"Level {n}"} for n in range(1, 9)],
    "areas": [
        {
            "code": "1",
            "title": "Information and data literacy",
            "competencies": [
                {
                    "code": "1.1",
                    "title": "Browsing, searching and filtering data",
                    "descriptors": {},
                    "crosswalk": [],
                }
            ],
        }
    ],
}


def framework_data(**changes) -> dict:
    data = copy.deepcopy(MINI)
    data.update(changes)
    return data
