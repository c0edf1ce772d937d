/* The exam page (safetrain/exams): talks to the Exam API only.
 *
 * Every answer is saved when given: PUT /attempts/{id}/answers/{question} with a sequence
 * number that grows per question. Unsaved answers wait in a queue kept in localStorage, so a
 * dropped network (or a reload) loses nothing; the queue is retried every few seconds and as
 * soon as the browser says it is online again. The countdown runs from the server's deadline,
 * corrected by the server's clock (the Date header). No answer key ever reaches this page.
 */
(function () {
  "use strict";

  var root = document.getElementById("exam");
  if (!root) { return; }
  var API = root.dataset.api;
  var examId = root.dataset.exam;
  var hostedPerson = root.dataset.person || "";
  var listEl = root.querySelector("[data-testid=questions]");
  var savedEl = root.querySelector("[data-testid=saved]");
  var clockEl = root.querySelector("[data-testid=countdown]");
  var progressEl = root.querySelector("[data-testid=progress]");
  var submitBtn = root.querySelector("[data-testid=submit]");
  var errorEl = root.querySelector("[data-testid=exam-error]");
  var resultEl = root.querySelector("[data-testid=result]");

  var attempt = null;        // the API's attempt payload
  var seqs = {};             // question id -> highest seq used or stored
  var pending = {};          // question id -> {answer, seq} not yet acknowledged
  var inFlight = {};         // question id -> seq being sent
  var clockSkew = 0;         // server time - local time, ms
  var closed = false;
  var retryTimer = null;

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function call(method, path, body) {
    return fetch(API + path, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (resp) {
      var date = resp.headers.get("Date");
      if (date) { clockSkew = new Date(date).getTime() - Date.now(); }
      return resp.json().catch(function () { return {}; }).then(function (data) {
        return { status: resp.status, data: data };
      });
    });
  }

  function storeKey() { return "safetrain-exam-" + attempt.id; }
  function persist() {
    try { localStorage.setItem(storeKey(), JSON.stringify(pending)); } catch (e) { /* full */ }
  }

  function showError(text) {
    errorEl.textContent = text;
    errorEl.hidden = !text;
  }

  function indicator() {
    var waiting = Object.keys(pending).length;
    if (closed) { return; }
    if (waiting === 0) {
      savedEl.textContent = "已保存";
      savedEl.dataset.state = "saved";
    } else {
      savedEl.textContent = "未保存（" + waiting + " 题）" + (navigator.onLine ? "" : " · 网络已断开");
      savedEl.dataset.state = "unsaved";
    }
    var answered = 0;
    attempt.questions.forEach(function (q) {
      var a = currentAnswer(q.id);
      if (a && a.length) { answered += 1; }
    });
    progressEl.textContent = "已答 " + answered + " / " + attempt.questions.length + " 题";
  }

  function currentAnswer(qid) {
    var key = String(qid);
    if (pending[key]) { return pending[key].answer; }
    var saved = attempt.answers[key];
    return saved ? saved.answer : [];
  }

  function render() {
    listEl.textContent = "";
    attempt.questions.forEach(function (q, index) {
      var li = document.createElement("li");
      li.className = "exam-q";
      li.dataset.question = q.id;
      var head = document.createElement("p");
      head.className = "exam-stem";
      var badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = q.type;
      head.appendChild(badge);
      head.appendChild(document.createTextNode(" " + (index + 1) + ". " + q.stem + "（" + q.points + " 分）"));
      li.appendChild(head);
      var chosen = currentAnswer(q.id);
      var multi = q.type === "多选";
      q.options.forEach(function (opt, pos) {
        var label = document.createElement("label");
        label.className = "exam-opt";
        var input = document.createElement("input");
        input.type = multi ? "checkbox" : "radio";
        input.name = "q" + q.id;
        input.value = opt.key;
        input.checked = chosen.indexOf(opt.key) >= 0;
        input.addEventListener("change", function () { answered(q, li); });
        label.appendChild(input);
        var letter = q.type === "判断" ? "" : String.fromCharCode(65 + pos) + ". ";
        label.appendChild(document.createTextNode(" " + letter + opt.text));
        li.appendChild(label);
      });
      listEl.appendChild(li);
    });
    submitBtn.disabled = false;
    indicator();
  }

  function answered(q, li) {
    if (closed) { return; }
    var keys = [];
    li.querySelectorAll("input").forEach(function (input) {
      if (input.checked) { keys.push(input.value); }
    });
    var key = String(q.id);
    seqs[key] = (seqs[key] || 0) + 1;
    pending[key] = { answer: keys.sort(), seq: seqs[key] };
    persist();
    indicator();
    flush();
  }

  function flush() {
    if (closed || !attempt) { return; }
    Object.keys(pending).forEach(function (key) {
      var item = pending[key];
      if (inFlight[key] === item.seq) { return; }
      inFlight[key] = item.seq;
      call("PUT", "/attempts/" + attempt.id + "/answers/" + key, item)
        .then(function (r) {
          delete inFlight[key];
          if (r.status === 200 || (r.status === 409 && r.data.code === "stale_seq")) {
            var stored = r.status === 200 ? r.data.seq : r.data.fields.seq;
            if (stored > (seqs[key] || 0)) { seqs[key] = stored; }
            if (pending[key] && pending[key].seq <= stored) {
              if (r.status === 200) { attempt.answers[key] = { answer: pending[key].answer, seq: stored }; }
              delete pending[key];
            }
          } else if (r.status === 409 && r.data.code === "attempt_closed") {
            finished(null);
          } else if (r.status >= 400 && r.status < 500 && r.status !== 401 && r.status !== 403 && r.status !== 429) {
            showError(r.data.message || "保存失败");
            delete pending[key];
          } else {
            scheduleRetry();
          }
          persist();
          indicator();
          if (r.status === 200 && pending[key]) { flush(); }
        })
        .catch(function () {
          delete inFlight[key];
          scheduleRetry();
          indicator();
        });
    });
  }

  function scheduleRetry() {
    if (retryTimer || closed) { return; }
    retryTimer = setTimeout(function () { retryTimer = null; flush(); }, 3000);
  }

  function tick() {
    if (!attempt || closed) { return; }
    var left = Math.max(0, new Date(attempt.deadline).getTime() - (Date.now() + clockSkew));
    var s = Math.floor(left / 1000);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    clockEl.textContent = (h ? h + ":" : "") + (m < 10 ? "0" : "") + m + ":" + (sec < 10 ? "0" : "") + sec;
    clockEl.dataset.low = s < 300 ? "1" : "";
    if (left <= 0) { submit(true); return; }
    setTimeout(tick, 1000);
  }

  function finished(result) {
    closed = true;
    submitBtn.disabled = true;
    listEl.querySelectorAll("input").forEach(function (i) { i.disabled = true; });
    savedEl.textContent = "已交卷";
    savedEl.dataset.state = "closed";
    try { localStorage.removeItem(storeKey()); } catch (e) { /* ignore */ }
    var url = root.dataset.resultUrl.replace("ATTEMPT", attempt.id);
    resultEl.textContent = "";
    var p = document.createElement("p");
    p.textContent = result ? ("得分 " + result.score + " 分，" + (result.passed ? "合格" : "不合格")) : "答卷已关闭。";
    p.dataset.testid = "score";
    resultEl.appendChild(p);
    var a = document.createElement("a");
    a.href = url;
    a.className = "btn";
    a.textContent = "查看成绩与答题详情";
    resultEl.appendChild(a);
    resultEl.hidden = false;
  }

  function submit(timeUp) {
    if (closed) { return; }
    var waiting = Object.keys(pending).length;
    if (waiting && !timeUp) {
      flush();
      showError("还有 " + waiting + " 题的答案未保存到服务器，网络恢复并保存后再交卷。");
      return;
    }
    if (!timeUp) {
      var blank = attempt.questions.filter(function (q) { return !currentAnswer(q.id).length; }).length;
      if (!window.confirm(blank ? ("还有 " + blank + " 题未答，确定交卷吗？") : "确定交卷吗？")) { return; }
    }
    submitBtn.disabled = true;
    call("POST", "/attempts/" + attempt.id + "/submit")
      .then(function (r) {
        if (r.status === 200) { finished(r.data); }
        else { submitBtn.disabled = false; showError(r.data.message || "交卷失败，请重试"); }
      })
      .catch(function () {
        submitBtn.disabled = false;
        showError("网络未连接，交卷失败；时间到时服务器会按已保存的答案自动交卷。");
      });
  }

  function integrity(kind) {
    if (!attempt || closed) { return; }
    call("POST", "/attempts/" + attempt.id + "/events", { kind: kind }).catch(function () {});
  }

  function start() {
    call("POST", "/exams/" + examId + "/attempts", hostedPerson ? { person: hostedPerson } : {})
      .then(function (r) {
        if (r.status !== 200) {
          listEl.textContent = "";
          showError(r.data.message || "无法开始考试");
          return;
        }
        attempt = r.data;
        Object.keys(attempt.answers).forEach(function (k) { seqs[k] = attempt.answers[k].seq; });
        try {
          var saved = JSON.parse(localStorage.getItem(storeKey()) || "{}");
          Object.keys(saved).forEach(function (k) {
            if (saved[k].seq > (seqs[k] || 0)) { pending[k] = saved[k]; seqs[k] = saved[k].seq; }
          });
        } catch (e) { /* ignore */ }
        if (attempt.state !== "in_progress") { render(); finished(attempt); return; }
        render();
        tick();
        flush();
      })
      .catch(function () { showError("网络未连接，无法加载试题，请稍后刷新。"); });
  }

  submitBtn.addEventListener("click", function () { submit(false); });
  window.addEventListener("online", function () { indicator(); flush(); });
  window.addEventListener("offline", function () { indicator(); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { integrity("hidden"); }
  });
  window.addEventListener("blur", function () { integrity("blur"); });
  start();
}());
