"""End to end: 30 people whose department figures are worked out by hand,
checked through the CSV export a CTO-office user downloads from the dashboard.

The people, their job roles and their evidence are in tests/analytics/scenario.py. Targets:
officers need DA.1 at 1 and SP.1 at 2; analysts need DA.1 at 3, DA.2 at 2 and SP.1 at 1.
So DA.1 and SP.1 are needed by 2 job roles, DA.2 by 1 (the "roles needing" of the priority).
Levels below are the reported ones: a manager's confirmation beats a self-assessment
(o4 DA.1: self 3, confirmed 1 -> 1), "I don't know" (o6 DA.1, f8 SP.1) stays unknown.
"""

import csv
import io

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.analytics.scenario import THRESHOLD
from tests.factories import make_person

HEADER = [
    "department", "department_name", "competency", "competency_title", "area",
    "people", "known", "unknown", "pct_unknown", "meeting", "pct_meeting", "below",
    "mean_gap", "priority", "stale", "suppressed",
]  # fmt: skip

# CRS DA.1, 14 people. Officers (target 1): o1 2, o2 1, o3 0, o4 1, o5 ?, o6 ?, o7 ?, o8 2;
# analysts (target 3): a1 3, a2 2, a3 1, a4 3, a5 ?, a6 4.
#   unknown 4 (o5 o6 o7 a5); known 14 - 4 = 10; meeting o1 o2 o4 o8 a1 a4 a6 = 7;
#   below o3 (gap 1), a2 (1), a3 (2) = 3; mean gap (1+1+2)/10 = 0.40 (meeting people count
#   as gap 0); % meeting 7/10 = 70.0; % unknown 4/14 = 28.57 -> 28.6;
#   priority 0.40 x 3 below x 2 roles = 2.40.
CRS_DA1 = ["14", "10", "4", "28.6", "7", "70.0", "3", "0.40", "2.40", "0", "no"]
# CRS DA.2, analysts only (target 2): a1 2, a2 1, a3 ?, a4 0, a5 ?, a6 2.
#   6 people; unknown 2; known 4; meeting a1 a6 = 2; below a2 (1), a4 (2) = 2;
#   mean gap 3/4 = 0.75; % meeting 2/4 = 50.0; % unknown 2/6 = 33.3; priority 0.75 x 2 x 1 = 1.50.
CRS_DA2 = ["6", "4", "2", "33.3", "2", "50.0", "2", "0.75", "1.50", "0", "no"]
# CRS SP.1. Officers (target 2): o1 2, o2 1, o3 2, o4 3, o5 0, o6 1, o7 ?, o8 ?;
# analysts (target 1): a1 1, a2 0, a3 2, a4 ?, a5 ?, a6 1.
#   14 people; unknown o7 o8 a4 a5 = 4; known 10; meeting o1 o3 o4 a1 a3 a6 = 6;
#   below o2 (1), o5 (2), o6 (1), a2 (1) = 4; mean gap 5/10 = 0.50; % meeting 60.0;
#   % unknown 4/14 = 28.6; priority 0.50 x 4 x 2 = 4.00.
CRS_SP1 = ["14", "10", "4", "28.6", "6", "60.0", "4", "0.50", "4.00", "0", "no"]
# FIN DA.1. Officers (target 1): f1 1, f2 1, f3 0, f4 2, f5 ?, f6 ?, f7 ?, f8 1;
# analysts (target 3): fa1 2, fa2 3.
#   10 people; unknown f5 f6 f7 = 3; known 7; meeting f1 f2 f4 f8 fa2 = 5; below f3 (1),
#   fa1 (1) = 2; mean gap 2/7 = 0.2857 -> 0.29; % meeting 5/7 = 71.43 -> 71.4;
#   % unknown 3/10 = 30.0; priority 2/7 x 2 x 2 = 8/7 = 1.1429 -> 1.14.
FIN_DA1 = ["10", "7", "3", "30.0", "5", "71.4", "2", "0.29", "1.14", "0", "no"]
# FIN SP.1. Officers (target 2): f1 2, f2 2, f3 1, f4 0, f5 2, f6 ?, f7 3 (confirmed), f8 ?;
# analysts (target 1): fa1 1, fa2 ?.
#   10 people; unknown f6 f8 fa2 = 3; known 7; meeting f1 f2 f5 f7 fa1 = 5; below f3 (1),
#   f4 (2) = 2; mean gap 3/7 = 0.4286 -> 0.43; % meeting 71.4; % unknown 30.0;
#   priority 3/7 x 2 x 2 = 12/7 = 1.7143 -> 1.71.
FIN_SP1 = ["10", "7", "3", "30.0", "5", "71.4", "2", "0.43", "1.71", "0", "no"]
# TRN DA.1. Officers (target 1): t1 1, t2 0, t3 ?; analysts (target 3): ta1 2, ta2 3, ta3 ?.
#   6 people; unknown 2; known 4; meeting t1 ta2 = 2; below t2 (1), ta1 (1) = 2;
#   mean gap 2/4 = 0.50; % meeting 50.0; % unknown 2/6 = 33.3; priority 0.50 x 2 x 2 = 2.00.
TRN_DA1 = ["6", "4", "2", "33.3", "2", "50.0", "2", "0.50", "2.00", "0", "no"]
# TRN SP.1. Officers (target 2): t1 1, t2 2, t3 ?; analysts (target 1): ta1 1, ta2 1, ta3 ?.
#   6 people; unknown 2; known 4; meeting t2 ta1 ta2 = 3; below t1 (1) = 1; mean gap 1/4 =
#   0.25; % meeting 75.0; % unknown 33.3; priority 0.25 x 1 x 2 = 0.50.
TRN_SP1 = ["6", "4", "2", "33.3", "3", "75.0", "1", "0.25", "0.50", "0", "no"]
# DA.2 in FIN (2 analysts) and TRN (3 analysts): 4 people or fewer, so hidden, every figure blank.
# Together they hold 2 + 3 = 5 people, so hiding them protects both from subtraction and
# CRS's DA.2 (6 people) stays visible.
HIDDEN = [""] * 10 + ["yes"]

CRS = ["CRS", "Civil Registration and Citizen Services"]
FIN = ["FIN", "Finance, Revenue and Procurement"]
TRN = ["TRN", "Transport and Mobility"]
DA1, DA2, SP1 = (
    ["DA.1", "Data literacy", "DA"],
    ["DA.2", "Data ethics", "DA"],
    ["SP.1", "Cyber hygiene", "SP"],
)


def download_csv(client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_department_figures_in_the_dashboard_csv_match_the_hand_worked_ones(
    client, shared_organisation, settings
):
    settings.ANALYTICS_MIN_GROUP_SIZE = THRESHOLD
    client.force_login(make_person(roles=[Role.LEARNER, Role.CTO_OFFICE]))

    dashboard = client.get(reverse("organisation_report"))
    assert dashboard.status_code == 200
    export_url = reverse("organisation_export", args=["csv"])
    assert f'href="{export_url}"' in dashboard.content.decode()

    rows = download_csv(client, export_url)

    assert rows == [
        HEADER,
        [*CRS, *DA1, *CRS_DA1],
        [*CRS, *DA2, *CRS_DA2],
        [*CRS, *SP1, *CRS_SP1],
        [*FIN, *DA1, *FIN_DA1],
        [*FIN, *DA2, *HIDDEN],
        [*FIN, *SP1, *FIN_SP1],
        [*TRN, *DA1, *TRN_DA1],
        [*TRN, *DA2, *HIDDEN],
        [*TRN, *SP1, *TRN_SP1],
    ]


@pytest.mark.django_db
def test_department_lead_csv_splits_their_department_by_job_role(
    client, shared_organisation, settings
):
    settings.ANALYTICS_MIN_GROUP_SIZE = THRESHOLD
    organisation = shared_organisation
    client.force_login(organisation.managers["CRS"])

    rows = download_csv(client, reverse("department_export", args=["CRS", "csv"]))

    officer = ["CRS", "citizen-service-officer", "Citizen service officer"]
    analyst = ["CRS", "data-analyst", "Data analyst"]
    assert rows[1:] == [
        # Officers, DA.1 (target 1): o1 2, o2 1, o3 0, o4 1, o8 2 known; o5 o6 o7 unknown.
        #   8 people, known 5, unknown 3 (37.5%), meeting 4 (80.0%), below o3 = 1,
        #   mean gap 1/5 = 0.20, priority 0.20 x 1 x 2 = 0.40.
        [*officer, *DA1, "8", "5", "3", "37.5", "4", "80.0", "1", "0.20", "0.40", "0", "no"],
        # Officers, SP.1 (target 2): o1 2, o2 1, o3 2, o4 3, o5 0, o6 1; o7 o8 unknown.
        #   known 6, unknown 2 (25.0%), meeting o1 o3 o4 = 3 (50.0%), below 3 with gaps
        #   1 + 2 + 1 = 4, mean 4/6 = 0.67, priority 4/6 x 3 x 2 = 4.00.
        [*officer, *SP1, "8", "6", "2", "25.0", "3", "50.0", "3", "0.67", "4.00", "0", "no"],
        # Analysts, DA.1 (target 3): a1 3, a2 2, a3 1, a4 3, a6 4; a5 unknown.
        #   known 5, unknown 1 (16.7%), meeting 3 (60.0%), below a2 (1) a3 (2) = 2,
        #   mean 3/5 = 0.60, priority 0.60 x 2 x 2 = 2.40.
        [*analyst, *DA1, "6", "5", "1", "16.7", "3", "60.0", "2", "0.60", "2.40", "0", "no"],
        # Analysts, DA.2: the department's whole DA.2 group (see CRS_DA2).
        [*analyst, *DA2, *CRS_DA2],
        # Analysts, SP.1 (target 1): a1 1, a2 0, a3 2, a6 1; a4 a5 unknown.
        #   known 4, unknown 2 (33.3%), meeting 3 (75.0%), below a2 (1), mean 1/4 = 0.25,
        #   priority 0.25 x 1 x 2 = 0.50.
        [*analyst, *SP1, "6", "4", "2", "33.3", "3", "75.0", "1", "0.25", "0.50", "0", "no"],
    ]
