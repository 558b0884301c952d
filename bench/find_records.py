"""How fast the back-office finds a record: admin list searches on a populated database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_api SECRET_KEY=... python bench/find_records.py

Runs in-process with Django's test client as the demo agency administrator (and the demo school officer),
against a database built by `edureg demo --no-serve --scale national`. Prints the median and worst of 5 runs
of each page, in milliseconds, as a Markdown table for docs/performance.md.
"""

import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edureg.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_COOKIES", "0")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402

from edureg.learners.models import Enrolment  # noqa: E402
from edureg.pedagogues.models import Employment  # noqa: E402


def timed(client, url, params=None, runs=5):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, params or {})
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), max(times)


def main():
    User = get_user_model()
    sample = Enrolment.objects.select_related("person", "institution").order_by("-id").first()
    employment = Employment.objects.select_related("person").order_by("-id").first()
    rows = []
    for username in ("demo_admin", "demo_school"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        pages = [
            ("institutions: search by name", "/admin/institutions/institution/", {"q": "gimnazija"}),
            ("institutions: by legal-entity code", "/admin/institutions/institution/",
             {"q": sample.institution.code}),
            ("institution: change page", f"/admin/institutions/institution/{sample.institution.pk}/change/", None),
            ("persons: first page", "/admin/persons/person/", None),
            ("persons: search by last name", "/admin/persons/person/", {"q": sample.person.last_name}),
            ("persons: by full personal code", "/admin/persons/person/", {"q": sample.person.personal_code}),
            ("person: change page", f"/admin/persons/person/{sample.person.pk}/change/", None),
            ("enrolments: first page", "/admin/learners/enrolment/", None),
            ("enrolments: by institution code", "/admin/learners/enrolment/", {"q": sample.institution.code}),
            ("enrolments: by learner's name", "/admin/learners/enrolment/", {"q": sample.person.last_name}),
            ("enrolment: change page", f"/admin/learners/enrolment/{sample.pk}/change/", None),
            ("employments: by name", "/admin/pedagogues/employment/", {"q": employment.person.last_name}),
            ("change history of the institution", f"/admin/institutions/institution/{sample.institution.pk}"
             "/history/", None),
        ]
        for label, url, params in pages:
            if username == "demo_school" and ("change" in url or "history" in url):
                continue  # the sample may be outside the school officer's scope
            median, worst = timed(client, url, params)
            rows.append((username, label, median, worst))
            print(f"{username:12} {label:40} {median:8.0f} {worst:8.0f}", flush=True)
    print("\n| user | page | median ms | worst ms |\n|---|---|---:|---:|")
    for username, label, median, worst in rows:
        print(f"| {username} | {label} | {median:.0f} | {worst:.0f} |")


if __name__ == "__main__":
    main()
