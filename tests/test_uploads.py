"""Uploads and their jobs through the real app: POST /api/documents, the job process that
indexes them, duplicates, refusals, deletes, the admin page's login, cookie and CSRF, a job
waiting for a CLI indexer, and a job retried once after its process was killed."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import threading
import time

import pytest
from filelock import FileLock

from conftest import SEEDS, make_settings
from indexer import jobs, store
from indexer.uploads import uploads_dir
from indexer.writer import index_reports
from office_files import chinese_word_docx, rich_docx
from webui import create_app

TOKEN = "upload-token-123"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
REPORT = chinese_word_docx([("某乡2024年工作总结", None), ("一、产业发展", 1),
                            ("全乡新建高标准农田两千亩，秸秆综合利用率达到百分之九十三。", None)])


@pytest.fixture
def site(tmp_path):
    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder)
    settings = make_settings(tmp_path / "index", [folder], server__admin_token=TOKEN,
                             server__max_upload_mb=2)
    index_reports(settings)
    app = create_app({"TESTING": True, "SETTINGS": settings})
    return app, settings


def index_lock(settings) -> FileLock:
    """The index's write lock, as a running `report-search index` holds it."""
    return FileLock(str(os.path.join(settings["index.path"], store.LOCK)))


def wait(client, job_id, until=("done", "failed"), timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}", headers=AUTH).get_json()
        if job["state"] in until:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still {job['state']}: {job}")


def upload(client, *files, headers=AUTH):
    data = {"file": [(io.BytesIO(content), name) for name, content in files]}
    return client.post("/api/documents", data=data, headers=headers,
                       content_type="multipart/form-data")


def hits(client, phrase):
    return client.get("/api/search", query_string={"q": f'"{phrase}"'}).get_json()["total"]


def test_upload_indexes_and_reports_each_file(site):
    app, settings = site
    client = app.test_client()
    answer = upload(client, ("工作总结.docx", REPORT), ("rich.docx", rich_docx()),
                    ("伪装.pdf", b"<!doctype html><html>not a pdf</html>"))
    assert answer.status_code == 202 and answer.headers["Location"].endswith(
        answer.get_json()["job"]["id"])
    job = wait(client, answer.get_json()["job"]["id"])
    assert job["state"] == "done", job
    outcomes = {f["name"]: (f["outcome"], f["reason"]) for f in job["files"]}
    assert outcomes["工作总结.docx"] == ("indexed", None)
    assert outcomes["rich.docx"] == ("indexed", None)
    assert outcomes["伪装.pdf"][0] == "failed" and "not a report" in outcomes["伪装.pdf"][1]
    assert hits(client, "秸秆综合利用率达到百分之九十三") == 1
    stored = [p.name for p in uploads_dir(settings).glob("*/*")]
    assert sorted(stored) == ["rich.docx", "工作总结.docx"]  # the Chinese name kept
    doc_id = next(f["doc_id"] for f in job["files"] if f["name"] == "工作总结.docx")
    doc = client.get(f"/api/documents/{doc_id}").get_json()
    assert doc["file_name"] == "工作总结.docx" and doc["title"] == "某乡2024年工作总结"
    with client.get(f"/doc/{doc_id}/original") as original:
        assert original.status_code == 200 and original.data == REPORT
        assert original.headers["Content-Disposition"].startswith("attachment")

    again = wait(client, upload(client, ("copy.docx", REPORT)).get_json()["job"]["id"])
    [copy] = again["files"]
    assert copy["outcome"] == "duplicate" and copy["doc_id"] == doc_id
    assert "某乡2024年工作总结" in copy["reason"]
    seed = (SEEDS / sorted(os.listdir(SEEDS))[0]).read_bytes()
    twin = wait(client, upload(client, ("seed.txt", seed)).get_json()["job"]["id"])
    assert twin["files"][0]["outcome"] == "duplicate"  # of a report from the folder
    assert hits(client, "秸秆综合利用率达到百分之九十三") == 1


def test_upload_refusals_are_json_errors(site):
    app, settings = site
    client = app.test_client()
    cases = [
        (upload(client, ("a.docx", REPORT), headers={}), 401, "unauthorized"),
        (upload(client, ("a.docx", REPORT), headers={"Authorization": "Bearer nope-nope"}), 403,
         "forbidden"),
        (client.post("/api/documents", data={}, headers=AUTH), 422, "no_files"),
        (upload(client, ("a.pdf", b"<html>x</html>")), 415, "unsupported_media_type"),
        # Raw bytes: the test client spools a multipart body over 500 KB to a temporary file
        # it never closes.
        (client.post("/api/documents", data=b"x" * 3_000_000, headers=AUTH,
                     content_type="multipart/form-data; boundary=x"), 413, "payload_too_large"),
        (client.delete("/api/documents/nope", headers=AUTH), 404, "document_not_found"),
    ]
    for response, status, code in cases:
        assert response.status_code == status, response.data
        assert response.get_json()["error"]["code"] == code
    seed_doc = client.get("/api/documents").get_json()["documents"][0]["doc_id"]
    refused = client.delete(f"/api/documents/{seed_doc}", headers=AUTH)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "not_an_upload"
    assert jobs.list_jobs(settings) == []  # nothing was queued


def test_delete_an_upload_removes_file_and_records(site):
    app, settings = site
    client = app.test_client()
    job = wait(client, upload(client, ("r.docx", REPORT)).get_json()["job"]["id"])
    doc_id = job["files"][0]["doc_id"]
    answer = client.delete(f"/api/documents/{doc_id}", headers=AUTH)
    assert answer.status_code == 202
    assert wait(client, answer.get_json()["job"]["id"])["state"] == "done"
    assert hits(client, "秸秆综合利用率达到百分之九十三") == 0
    assert client.get(f"/api/documents/{doc_id}").status_code == 404
    assert list(uploads_dir(settings).iterdir()) == []
    assert hits(client, "户户通") >= 1  # the folder's reports stay


def test_two_uploads_at_once_both_indexed(site):
    app, _ = site
    other = chinese_word_docx([("某村工作总结", None), ("新建村史馆一座，推进移风易俗。", None)])
    answers = []

    def send(name, data):
        answers.append(upload(app.test_client(), (name, data)))

    threads = [threading.Thread(target=send, args=a) for a in
               (("a.docx", REPORT), ("b.docx", other))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    client = app.test_client()
    for answer in answers:
        job = wait(client, answer.get_json()["job"]["id"])
        assert job["files"][0]["outcome"] == "indexed", job
    assert hits(client, "秸秆综合利用率") == 1 and hits(client, "推进移风易俗") == 1


def test_upload_while_an_indexer_holds_the_lock_waits_and_says_so(site):
    app, settings = site
    client = app.test_client()
    with index_lock(settings):
        job_id = upload(client, ("r.docx", REPORT)).get_json()["job"]["id"]
        _until_waiting(client, job_id)
        assert hits(client, "秸秆综合利用率") == 0
    job = wait(client, job_id)
    assert job["state"] == "done" and job["message"] is None
    assert hits(client, "秸秆综合利用率") == 1


def _pid(settings, job_id):
    import json

    return json.loads((jobs.jobs_dir(settings) / f"{job_id}.json").read_text())["pid"]


def _until_waiting(client, job_id):
    deadline = time.monotonic() + 30
    while "waiting" not in (client.get(f"/api/jobs/{job_id}", headers=AUTH)
                            .get_json()["message"] or ""):
        assert time.monotonic() < deadline
        time.sleep(0.1)


def _kill_while_waiting(client, settings, job_id):
    _until_waiting(client, job_id)
    os.kill(_pid(settings, job_id), signal.SIGKILL)
    time.sleep(0.3)  # reaped by the thread that started it


def test_a_killed_job_is_retried_once_then_failed(site):
    app, settings = site
    client = app.test_client()
    with index_lock(settings):
        job_id = upload(client, ("r.docx", REPORT)).get_json()["job"]["id"]
        _kill_while_waiting(client, settings, job_id)
        retried = client.get(f"/api/jobs/{job_id}", headers=AUTH).get_json()
        assert retried["attempts"] == 2 and retried["state"] in ("queued", "processing")
        _kill_while_waiting(client, settings, job_id)
        failed = client.get(f"/api/jobs/{job_id}", headers=AUTH).get_json()
        assert failed["state"] == "failed" and failed["error"]["code"] == "job_died"
    survivor = create_app({"TESTING": True, "SETTINGS": settings}).test_client()
    listed = survivor.get("/api/jobs", headers=AUTH).get_json()["jobs"]  # a restarted server
    assert [j["id"] for j in listed] == [job_id]


def test_a_job_retried_after_a_kill_finishes_the_upload(site):
    app, settings = site
    client = app.test_client()
    with index_lock(settings):
        job_id = upload(client, ("r.docx", REPORT)).get_json()["job"]["id"]
        _kill_while_waiting(client, settings, job_id)
        client.get(f"/api/jobs/{job_id}", headers=AUTH)  # notices, starts it again
    job = wait(client, job_id)
    assert job["state"] == "done" and job["files"][0]["outcome"] == "indexed", job
    assert hits(client, "秸秆综合利用率") == 1


def csrf_of(html: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', html).group(1).decode()


def test_admin_page_login_cookie_csrf_and_form_upload(site):
    app, settings = site
    client = app.test_client()
    login_page = client.get("/admin/")
    assert login_page.status_code == 200 and b'type="password"' in login_page.data
    token = csrf_of(login_page.data)
    assert client.post("/admin/login", data={"token": TOKEN}).status_code == 400  # no CSRF
    assert client.post("/admin/login", data={"token": "wrong-token", "csrf_token": token}
                       ).status_code == 403
    ok = client.post("/admin/login", data={"token": TOKEN, "csrf_token": token})
    assert ok.status_code == 303
    cookie = ok.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    page = client.get("/admin/")
    assert "上传报告".encode() in page.data
    form_token = csrf_of(page.data)
    # The page's script: the session and the CSRF header instead of the Bearer token.
    assert client.get("/api/jobs").status_code == 200
    no_header = upload(client, ("r.docx", REPORT), headers={})
    assert no_header.status_code == 400 and no_header.get_json()["error"]["code"] == "csrf_failed"
    sent = client.post("/admin/upload", data={"csrf_token": form_token, "file": [
        (io.BytesIO(REPORT), "表单.docx")]}, content_type="multipart/form-data")
    assert sent.status_code == 303
    [job] = jobs.list_jobs(settings)
    assert wait(client, job["id"])["files"][0]["outcome"] == "indexed"
    listed = client.get("/admin/").data.decode()
    assert "表单.docx" in listed and "删除" in listed
    doc_id = jobs.list_jobs(settings)[0]["files"][0]["doc_id"]
    gone = client.post(f"/admin/documents/{doc_id}/delete", data={"csrf_token": form_token})
    assert gone.status_code == 303
    deleting = next(j for j in jobs.list_jobs(settings) if j["kind"] == "delete")
    assert wait(client, deleting["id"])["state"] == "done"
    assert "上传的报告（0）" in client.get("/admin/").data.decode()
    assert client.post(f"/admin/documents/{doc_id}/delete").status_code == 400  # no CSRF


def test_no_admin_page_without_a_token(seeds_index):
    client = create_app({"TESTING": True, "SETTINGS": seeds_index}).test_client()
    assert client.get("/admin/").status_code == 404
    assert upload(client, ("r.docx", REPORT), headers=AUTH).status_code == 403
