"""A small course in the seed files' shape, for tests."""

import copy


def check(competency="DA.1", level=2, questions=None):
    return {
        "type": "knowledge_check",
        "value": {
            "title": "Check your understanding",
            "pass_mark": 60,
            "competency": competency,
            "evidences_level": level,
            "questions": questions
            or [
                {
                    "kind": "single",
                    "text": "Which chart shows change over time best?",
                    "options": [
                        {"text": "A line chart", "correct": True, "feedback": "Lines show trends."},
                        {"text": "A pie chart", "correct": False, "feedback": "Pies show shares."},
                        {"text": "A table", "correct": False, "feedback": "Tables hide trends."},
                    ],
                },
                {
                    "kind": "multiple",
                    "text": "Which are signs of a biased sample?",
                    "options": [
                        {
                            "text": "Only online respondents",
                            "correct": True,
                            "feedback": "Excludes offline people.",
                        },
                        {
                            "text": "Very few respondents",
                            "correct": True,
                            "feedback": "Small samples mislead.",
                        },
                        {
                            "text": "Random selection",
                            "correct": False,
                            "feedback": "Randomness reduces bias.",
                        },
                    ],
                },
                {
                    "kind": "true_false",
                    "text": "Averages can hide differences between groups.",
                    "options": [
                        {"text": "True", "correct": True, "feedback": "Look at the spread too."},
                        {"text": "False", "correct": False, "feedback": "They often do."},
                    ],
                },
            ],
        },
    }


def lesson(title, *, placement=False, with_check=True):
    body = [{"type": "text", "value": f"<h2>{title}</h2><p>Some teaching text.</p>"}]
    if with_check:
        body.append(check())
    return {
        "title": title,
        "summary": f"About {title}.",
        "duration_minutes": 10,
        "placement": placement,
        "body": body,
    }


COURSE = {
    "slug": "data-basics",
    "title": "Data basics",
    "summary": "Reading data with confidence.",
    "audience": "Everyone",
    "duration_minutes": 40,
    "format": "self-paced",
    "level": "foundation",
    "prerequisites": "None.",
    "description": "<p>A short course.</p>",
    "competency_targets": [{"code": "DA.1", "level": 2}, {"code": "SP.1", "level": 1}],
    "modules": [
        {
            "title": "Charts",
            "summary": "Charts.",
            "lessons": [lesson("Line charts"), lesson("Bar charts")],
        },
        {
            "title": "Samples",
            "summary": "Samples.",
            "lessons": [lesson("Bias"), lesson("Reading", with_check=False)],
        },
    ],
}


def course_data(**changes):
    data = copy.deepcopy(COURSE)
    data.update(changes)
    return data
