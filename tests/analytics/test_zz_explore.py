import pytest
from tests.analytics.scenario import build_organisation
from tests.factories import make_person
from accounts.roles import Role

@pytest.mark.django_db
def test_explore(client, framework):
    org = build_organisation()
    cto = make_person(roles=[Role.LEARNER, Role.CTO_OFFICE])
    client.force_login(cto)
    for url in ["/reports/", "/reports/?framework=digcomp22", "/reports/competencies/DA.1/", "/reports/departments/CRS/", "/reports/departments/CRS/competencies/DA.1/", "/reports/departments/CRS/competencies/DA.1/?job_role=data-analyst", "/reports/me/", "/reports/export.csv", "/reports/export.xlsx", "/reports/export.pdf", "/reports/departments/FIN/export.csv"]:
        r = client.get(url)
        print(url, r.status_code, len(r.content))
        if url.endswith("csv"): print(r.content.decode())
        open("/tmp/explore/" + url.replace("/", "_").replace("?", "_") + (".html" if "export" not in url else ""), "wb").write(r.content)
    client.force_login(org.managers["CRS"])
    for url in ["/reports/department/", "/reports/departments/CRS/", "/reports/departments/FIN/"]:
        r = client.get(url)
        print(url, r.status_code)
        open("/tmp/explore/lead" + url.replace("/", "_") + ".html", "wb").write(r.content)
    client.force_login(org.people["o4"])
    r = client.get("/reports/me/"); print(r.status_code)
    open("/tmp/explore/me.html", "wb").write(r.content)
