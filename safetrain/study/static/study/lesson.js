/* The lesson page's study clock (safetrain.study; docs/study.md).
 *
 * Opens a study session (POST /api/v1/lessons/{id}/study), then sends a heartbeat every
 * `heartbeat_seconds` with the play clock (the video's currentTime, or for text and PDF the
 * seconds read in the foreground), whether the page stayed visible since the last heartbeat,
 * a sequence number, the client's time and whether the learner interacted. The server decides
 * what is credited; this script only reports honestly and keeps the learner informed:
 * - the page in the background: the video pauses, the reading clock stops;
 * - no interaction for `idle_seconds`: the idle prompt, the clock stops until it is answered;
 * - the video cannot be moved past the furthest point reached, nor played faster than max_rate;
 * - another device (or lesson) opened: this page says so and stops.
 */
(function () {
  "use strict";
  var cfgNode = document.getElementById("study-config");
  if (!cfgNode) return;
  var cfg = JSON.parse(cfgNode.textContent);
  var video = document.querySelector("video.study-video");
  var stateEl = document.querySelector("[data-testid=study-state]");
  var lessonEl = document.querySelector("[data-testid=lesson-credited]");
  var courseEl = document.querySelector("[data-testid=course-credited]");
  var doneEl = document.querySelector("[data-testid=study-complete]");
  var endedEl = document.querySelector("[data-testid=study-ended]");
  var idleDialog = document.querySelector("dialog.study-idle");
  var idleButton = document.querySelector("[data-testid=idle-confirm]");

  var session = null;
  var timer = null;
  var tick = null;
  var seq = 0;
  var stopped = false;
  var idle = false;
  var wasHidden = document.visibilityState !== "visible";
  var interacted = true;
  var lastInteraction = Date.now();
  var reading = Number(cfg.position) || 0; // text/pdf play clock
  var lastTick = Date.now();
  var furthest = Number(cfg.furthest) || 0;
  var courseBase = Number(cfg.course_credited) - Number(cfg.credited);

  var T = {
    studying: document.documentElement.lang === "en" ? "Studying: time is being credited." : "学习中，学时正在累计。",
    paused: document.documentElement.lang === "en" ? "Paused: the page is in the background." : "已暂停：页面不在前台。",
    idle: document.documentElement.lang === "en" ? "Paused: are you still studying?" : "已暂停：请确认您仍在学习。",
    ended: document.documentElement.lang === "en" ? "Ended: studying elsewhere." : "已结束：正在其他设备或课时学习。",
    offline: document.documentElement.lang === "en" ? "Connection lost; retrying." : "网络中断，正在重试。",
    refused: document.documentElement.lang === "en" ? "This report was not accepted; nothing credited." : "本次记录未被接受，未计学时。"
  };

  function fmt(seconds) {
    var t = Math.max(0, Math.floor(seconds));
    var h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), s = t % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function call(path, body, keepalive) {
    return fetch(cfg.api + path, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body || {})
    });
  }

  function say(text) { if (stateEl) stateEl.textContent = text; }

  function position() {
    if (video) return video.currentTime || 0;
    return Math.min(reading, Number(cfg.duration));
  }

  function running() {
    return !stopped && !idle && document.visibilityState === "visible";
  }

  // ---------------------------------------------------------------- reading clock (text, pdf)
  function onTick() {
    var now = Date.now();
    var elapsed = (now - lastTick) / 1000;
    lastTick = now;
    if (!video && running() && elapsed > 0 && elapsed < 5) {
      reading = Math.min(reading + elapsed, Number(cfg.duration));
    }
    if (!idle && !stopped && now - lastInteraction > cfg.idle_seconds * 1000) showIdle();
  }

  // ---------------------------------------------------------------- heartbeats
  function beat(keepalive) {
    if (!session || stopped) return Promise.resolve();
    seq += 1;
    var visible = !wasHidden && document.visibilityState === "visible" && !idle;
    var body = {
      position_seconds: Math.round(position() * 10) / 10,
      visible: visible,
      seq: seq,
      sent_at: new Date().toISOString(),
      interacted: interacted
    };
    wasHidden = document.visibilityState !== "visible";
    interacted = false;
    return call("/study/" + session + "/heartbeat", body, keepalive).then(function (r) {
      return r.json().then(function (data) { handle(r.status, data); });
    }).catch(function () { say(T.offline); });
  }

  function handle(status, data) {
    if (status === 200) {
      furthest = Math.max(furthest, data.furthest_seconds);
      if (lessonEl) lessonEl.textContent = fmt(data.credited_seconds);
      if (courseEl) courseEl.textContent = fmt(courseBase + data.credited_seconds);
      if (data.idle) showIdle();
      var timeDone = courseBase + data.credited_seconds >= Number(cfg.course_required) - 0.5;
      if ((data.completed || timeDone) && doneEl) doneEl.hidden = false;
      say(running() ? T.studying : (idle ? T.idle : T.paused));
      return;
    }
    if (data && data.code === "session_ended") { stop(); return; }
    if (data && data.code === "position_ahead" && video) { video.currentTime = furthest; }
    say(T.refused);
  }

  function stop() {
    stopped = true;
    if (timer) clearInterval(timer);
    if (video) video.pause();
    if (endedEl) endedEl.hidden = false;
    say(T.ended);
  }

  // ---------------------------------------------------------------- idle prompt
  function showIdle() {
    if (idle) return;
    idle = true;
    if (video) video.pause();
    say(T.idle);
    if (idleDialog && typeof idleDialog.showModal === "function") idleDialog.showModal();
    else if (idleDialog) idleDialog.setAttribute("open", "");
  }

  function hideIdle() {
    idle = false;
    touch();
    wasHidden = true; // the idle period itself is not credited
    if (idleDialog && idleDialog.open) idleDialog.close();
    say(T.studying);
  }

  function touch() {
    lastInteraction = Date.now();
    interacted = true;
  }

  ["pointerdown", "keydown", "scroll", "touchstart", "wheel"].forEach(function (name) {
    window.addEventListener(name, function () { if (!idle) touch(); }, { passive: true });
  });
  if (idleButton) idleButton.addEventListener("click", hideIdle);

  // ---------------------------------------------------------------- visibility
  var unloading = false;
  document.addEventListener("visibilitychange", function () {
    if (unloading) return; // the page is going away: pagehide already sent the last report
    if (document.visibilityState !== "visible") {
      beat(true); // the period up to now was in the foreground
      wasHidden = true;
      if (video) video.pause();
      say(T.paused);
    } else {
      lastTick = Date.now();
      beat(false); // reports the hidden period (visible: false), nothing credited for it
    }
  });

  // ---------------------------------------------------------------- video guards
  if (video) {
    video.addEventListener("loadedmetadata", function () {
      var resume = Number(cfg.position) || 0;
      if (resume > 0 && resume < video.duration - 1) video.currentTime = Math.min(resume, furthest);
    });
    video.addEventListener("seeking", function () {
      if (video.currentTime > furthest + 1) video.currentTime = furthest;
    });
    video.addEventListener("ratechange", function () {
      if (video.playbackRate > cfg.max_rate) video.playbackRate = cfg.max_rate;
    });
    video.addEventListener("play", touch);
    video.addEventListener("timeupdate", function () {
      if (!video.seeking && video.currentTime <= furthest + cfg.max_rate * 2) {
        furthest = Math.max(furthest, video.currentTime);
      }
    });
  }

  window.addEventListener("pagehide", function () {
    if (!session || stopped) return;
    unloading = true;
    // one request: the last heartbeat and the end of the session together
    call("/study/" + session + "/end", {
      position_seconds: Math.round(position() * 10) / 10,
      visible: !wasHidden && !idle,
      seq: seq + 1,
      sent_at: new Date().toISOString(),
      interacted: interacted
    }, true);
    stopped = true;
  });

  // ---------------------------------------------------------------- start
  call("/lessons/" + cfg.lesson + "/study").then(function (r) {
    return r.json().then(function (data) {
      if (r.status !== 201) { say(data.message || T.refused); return; }
      session = data.session;
      lastTick = Date.now();
      tick = setInterval(onTick, 1000); // before the heartbeat timer: it ticks first
      timer = setInterval(function () { beat(false); }, data.heartbeat_seconds * 1000);
      say(running() ? T.studying : T.paused);
      document.documentElement.setAttribute("data-study-session", session);
    });
  }).catch(function () { say(T.offline); });
})();
