// The admin page without reloads: drop or choose files, post them to /api/documents with the
// page's CSRF token, and poll /api/jobs until every job has finished. Without JavaScript the
// form posts to /admin/upload and the page shows the same list.
(function () {
  var root = document.querySelector(".admin");
  if (!root) return;
  var csrf = root.dataset.csrf, jobsUrl = root.dataset.jobs, uploadUrl = root.dataset.upload;
  var STATES = {queued: "排队中", processing: "处理中", done: "完成", failed: "失败"};
  var KINDS = {upload: "上传", "delete": "删除", index: "重建索引"};
  var OUTCOMES = {indexed: "已索引", duplicate: "重复，未再索引", failed: "失败"};
  var form = document.getElementById("upload-form"), input = document.getElementById("files");
  var drop = document.getElementById("drop"), problem = document.getElementById("upload-error");
  var timer = null, watching = false;  // watching: a job ran since the page was drawn

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;  // text, never HTML: names come from users
    return node;
  }

  function render(jobs) {
    var list = document.getElementById("jobs");
    list.textContent = "";
    if (!jobs.length) list.appendChild(el("li", "meta", "还没有任务。"));
    jobs.forEach(function (job) {
      var item = el("li", "job " + job.state);
      item.dataset.id = job.id;
      item.appendChild(el("span", "state", STATES[job.state] || job.state));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(el("span", "kind", KINDS[job.kind] || job.kind));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(el("span", "meta", job.created_at));
      if (job.progress) {
        var bar = el("progress");
        bar.max = job.progress.total || 1; bar.value = job.progress.done;
        item.appendChild(bar);
      }
      if (job.message) item.appendChild(el("p", "meta", job.message));
      if (job.error) item.appendChild(el("p", "error", job.error.message));
      if (job.files) {
        var files = el("ul", "files");
        job.files.forEach(function (f) {
          var line = el("li", f.outcome || "waiting",
            f.name + "：" + (OUTCOMES[f.outcome] || "等待") + (f.reason ? "（" + f.reason + "）" : ""));
          if (f.doc_id && f.outcome !== "failed") {
            var link = el("a", "", "查看");
            link.href = "/doc/" + encodeURIComponent(f.doc_id);
            line.appendChild(document.createTextNode(" "));
            line.appendChild(link);
          }
          files.appendChild(line);
        });
        item.appendChild(files);
      }
      list.appendChild(item);
    });
  }

  function poll() {
    fetch(jobsUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); })
      .then(function (data) {
        render(data.jobs);
        var running = data.jobs.some(function (j) { return j.state === "queued" || j.state === "processing"; });
        clearTimeout(timer);
        if (running) { watching = true; timer = setTimeout(poll, 700); }
        else if (watching) location.reload();  // the list of uploaded reports changed
      }).catch(function () { timer = setTimeout(poll, 3000); });
  }

  function send(files) {
    if (!files.length) return;
    var body = new FormData();
    for (var i = 0; i < files.length; i++) body.append("file", files[i], files[i].name);
    problem.hidden = true;
    fetch(uploadUrl, {method: "POST", body: body, credentials: "same-origin",
                      headers: {"X-CSRFToken": csrf}})
      .then(function (r) { return r.json().then(function (data) { return [r.status, data]; }); })
      .then(function (answer) {
        if (answer[0] !== 202) { problem.textContent = answer[1].error.message; problem.hidden = false; }
        input.value = "";
        watching = true;
        poll();
      }).catch(function () { problem.textContent = "上传失败，请重试。"; problem.hidden = false; });
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); send(input.files); });
  ["dragenter", "dragover"].forEach(function (name) {
    drop.addEventListener(name, function (e) { e.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    drop.addEventListener(name, function (e) { e.preventDefault(); drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (e) { send(e.dataTransfer.files); });
  poll();
})();
