"""POST /api/index answers at once (202) and indexes in a process of its own; the job is polled
until it is done. Real Flask app, real indexer process, real index."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from pathlib import Path

import pytest
from test_api import check

from conftest import SEEDS, make_settings
from indexer.writer import index_reports
from webui import create_app

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def site(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    settings = make_settings(tmp_path / "idx", [seeds], server__admin_token=TOKEN)
    index_reports(settings)
    client = create_app({"TESTING": True, "SETTINGS": settings}).test_client()
    return client, settings, tmp_path


@pytest.fixture(scope="module")
def spec():
    return create_app({"TESTING": True}).test_client().get("/api/openapi.json").get_json()


def wait_for(client, url: str, timeout: float = 120, spec=None) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(url, headers=AUTH)
        job = check(spec, response, "/api/jobs/{job_id}") if spec else response.get_json()
        if job["state"] in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.2)


def test_post_index_is_a_job_that_rereads_every_source(site, spec):
    client, settings, tmp = site
    extra = tmp / "extra"
    extra.mkdir()
    (extra / "a.txt").write_text("某镇2023年工作总结\n引进独角兽企业一家。\n", "utf-8")
    index_reports(settings, [extra])  # added by path: POST /api/index must read it again
    (extra / "a.txt").write_text("某镇2023年工作总结\n引进专精特新企业一家。\n", "utf-8")

    started = time.monotonic()
    response = client.post("/api/index", headers=AUTH)
    assert response.status_code == 202
    assert time.monotonic() - started < 5  # answered before the indexer loaded jieba
    job = check(spec, response, "/api/index", "post")
    assert job["state"] in ("queued", "processing") and "pid" not in job
    assert response.headers["Location"] == f"/api/jobs/{job['id']}"

    done = wait_for(client, response.headers["Location"], spec=spec)
    assert done["state"] == "done", done
    assert (done["summary"]["updated"], done["summary"]["unchanged"]) == (1, 5)
    assert done["progress"] == {"done": 6, "total": 6}
    assert done["started_at"] and done["finished_at"]
    hits = client.get("/api/search", query_string={"q": '"专精特新企业"'}).get_json()
    assert hits["total"] == 1  # the running app sees it without a restart

    listed = check(spec, client.get("/api/jobs", headers=AUTH), "/api/jobs")["jobs"]
    assert [j["id"] for j in listed] == [job["id"]]


def test_job_whose_process_died_is_retried_once_then_failed(site):
    client, settings, _ = site
    response = client.post("/api/index", headers=AUTH)
    job_id = response.get_json()["id"]
    record = Path(settings["index.path"], "jobs", f"{job_id}.json")
    os.kill(json.loads(record.read_text("utf-8"))["pid"], signal.SIGKILL)  # before jieba loads
    time.sleep(0.3)  # reaped
    again = client.get(f"/api/jobs/{job_id}", headers=AUTH).get_json()
    assert again["attempts"] == 2 and "started again" in again["message"], again
    os.kill(json.loads(record.read_text("utf-8"))["pid"], signal.SIGKILL)
    done = wait_for(client, f"/api/jobs/{job_id}")
    assert done["state"] == "failed", done
    assert done["error"]["code"] == "job_died"


@pytest.mark.parametrize("url", ["/api/jobs", "/api/jobs/0123456789abcdef"])
def test_jobs_need_the_token(site, url):
    client, _, _ = site
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer wrong-token"}).status_code == 403


@pytest.mark.parametrize("job_id", ["0123456789abcdef", "..%2F..%2Fmeta", "x" * 16])
def test_unknown_job_is_404(site, job_id):
    client, _, _ = site
    response = client.get(f"/api/jobs/{job_id}", headers=AUTH)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] in ("job_not_found", "not_found")


def test_job_files_hold_no_admin_token(site):
    client, settings, _ = site
    job = client.post("/api/index", headers=AUTH).get_json()
    wait_for(client, f"/api/jobs/{job['id']}")
    folder = Path(settings["index.path"], "jobs")
    assert sorted(p.suffix for p in folder.iterdir()) == [".json", ".log", ".yaml"]
    for path in folder.iterdir():
        assert TOKEN not in path.read_text("utf-8"), path.name


def test_a_queued_job_is_returned_again_not_duplicated(site):
    """While the indexer is busy, a second POST gets the job that is still waiting: it will
    read every source anyway, and retries never pile up processes."""
    from filelock import FileLock

    from indexer import store

    client, settings, _ = site
    lock = FileLock(str(Path(settings["index.path"]) / store.LOCK))
    with lock:  # another indexer is writing
        first = client.post("/api/index", headers=AUTH).get_json()
        second = client.post("/api/index", headers=AUTH).get_json()
        assert second["id"] == first["id"] and second["state"] == "queued"
    assert wait_for(client, f"/api/jobs/{first['id']}")["state"] == "done"
    third = client.post("/api/index", headers=AUTH).get_json()
    assert third["id"] != first["id"]
    wait_for(client, f"/api/jobs/{third['id']}")


def test_job_whose_pid_was_reused_is_started_again(site):
    """After a reboot another process may carry the job's pid: its start time tells, and the
    job interrupted by the reboot runs again (once)."""
    client, settings, _ = site
    job = client.post("/api/index", headers=AUTH).get_json()
    wait_for(client, f"/api/jobs/{job['id']}")
    record = Path(settings["index.path"], "jobs", f"{job['id']}.json")
    stale = json.loads(record.read_text("utf-8"))
    stale.update(state="processing", pid=os.getpid(), pid_started="1")  # this test, not it
    record.write_text(json.dumps(stale), "utf-8")
    again = client.get(f"/api/jobs/{job['id']}", headers=AUTH).get_json()
    assert again["attempts"] == 2 and again["state"] in ("queued", "processing")
    assert wait_for(client, f"/api/jobs/{job['id']}")["state"] == "done"
