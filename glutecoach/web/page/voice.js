// glutecoach's voice in the browser: receives the coach's cues and speaks them with the
// browser's own speech synthesis, with the rules of glutecoach/voice/policy.py:
//  - counts (countdown numbers, reps) cut whatever is playing, and replace an older count
//    still waiting;
//  - a cue cuts the one playing when it matters more; otherwise it waits its turn, most
//    important first, and is dropped once too late to help;
//  - form reminders are spoken only when nothing else is playing or waiting;
//  - "flush" (pause, skip, back, quit) drops what waits and cuts what plays.
// What arrives is only ever shown as text and spoken: never parsed as HTML, never run.
"use strict";

(function () {
  const PRIORITY = { count: 0, rep: 0, announce: 1, halfway: 1, summary: 1, next: 2, setup: 2, form: 3 };
  const MAX_LATE = [0.5, 4.0, 6.0, 2.0]; // seconds, by priority
  const TIMING = 0;
  const FORM = 3;
  const MAX_TEXT = 500;

  // speaker: { speak(text, done), cancel() }; now(): seconds.
  class CuePolicy {
    constructor(speaker, now) {
      this.speaker = speaker;
      this.now = now;
      this.speaking = null;
      this.queue = [];
      this.nextId = 0;
      this.dropped = [];
    }

    offer(text, kind, late) {
      const priority = PRIORITY[kind];
      const due = this.now() - Math.max(0, late || 0);
      const u = { id: ++this.nextId, text, kind, priority, deadline: due + MAX_LATE[priority] };
      this.expire();
      if (this.now() > u.deadline) return this.drop(u, "late");
      if (priority === TIMING) {
        for (const old of this.queue.filter((q) => q.priority === TIMING)) this.drop(old, "replaced");
        this.queue = this.queue.filter((q) => q.priority !== TIMING);
      }
      const current = this.speaking;
      if (current === null) {
        if (priority === FORM && this.queue.length) return this.drop(u, "busy");
        this.enqueue(u);
        return this.next();
      }
      if (priority < current.priority || priority === TIMING) {
        this.speaking = null;
        this.speaker.cancel();
        return this.start(u);
      }
      if (priority === FORM) return this.drop(u, "busy");
      this.enqueue(u);
    }

    flush() {
      for (const u of this.queue) this.drop(u, "flushed");
      this.queue = [];
      if (this.speaking !== null) {
        this.speaking = null;
        this.speaker.cancel();
      }
    }

    finished(id) {
      if (this.speaking === null || this.speaking.id !== id) return; // cut earlier: ignore
      this.speaking = null;
      this.next();
    }

    start(u) {
      this.speaking = u;
      this.speaker.speak(u.text, () => this.finished(u.id));
    }

    enqueue(u) {
      let at = this.queue.findIndex((q) => u.priority < q.priority);
      if (at < 0) at = this.queue.length;
      this.queue.splice(at, 0, u);
    }

    expire() {
      const now = this.now();
      for (const u of this.queue.filter((q) => now > q.deadline)) this.drop(u, "late");
      this.queue = this.queue.filter((q) => now <= q.deadline);
    }

    next() {
      this.expire();
      if (this.speaking === null && this.queue.length) this.start(this.queue.shift());
    }

    drop(u, reason) {
      this.dropped.push([u.text, reason]);
    }
  }

  function browserSpeaker() {
    const synth = window.speechSynthesis;
    return {
      speak(text, done) {
        const u = new SpeechSynthesisUtterance(text);
        u.lang = "en"; // the coach's words are English, whatever the phone's language
        let ended = false;
        const end = () => { if (!ended) { ended = true; done(); } };
        u.onend = end;
        u.onerror = end;
        synth.speak(u);
      },
      cancel() { synth.cancel(); },
    };
  }

  const seconds = () => performance.now() / 1000;
  window.GlutecoachPolicy = CuePolicy; // for the browser test of these rules
  const received = (window.__glutecoachCues = []);

  function start() {
    const button = document.getElementById("gc-voice");
    const said = document.getElementById("gc-said");
    const log = document.getElementById("gc-cues");
    const bar = document.getElementById("gc-bar");
    const canSpeak = "speechSynthesis" in window && "SpeechSynthesisUtterance" in window;
    const policy = canSpeak ? new CuePolicy(browserSpeaker(), seconds) : null;
    let voiceOn = false;

    function show(on) {
      voiceOn = on;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? "Voice on" : "Tap to turn the voice on";
    }
    if (!canSpeak) {
      button.disabled = true;
      button.textContent = "No speech here";
    }
    button.addEventListener("click", () => {
      if (!policy) return;
      if (voiceOn) {
        policy.flush();
        show(false);
        return;
      }
      // Browsers only let a page speak after a tap: say something short within the tap.
      policy.flush();
      show(true);
      policy.offer("Voice on", "announce", 0);
      keepAwake();
    });

    // A phone propped against the wall should not dim mid-workout. Browsers allow this
    // only on a secure page (localhost, or through the ssh -L tunnel); elsewhere it is a no-op.
    let awake = null;
    function keepAwake() {
      if (!voiceOn || awake !== null || !("wakeLock" in navigator)) return;
      navigator.wakeLock.request("screen").then(
        (lock) => {
          awake = lock;
          lock.addEventListener("release", () => { awake = null; });
        },
        () => {},
      );
    }
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") keepAwake();
    });

    let bellTimer = 0;
    let bells = 0;
    function bell() {
      bar.dataset.bells = String(++bells); // how many times it flashed (for the browser test)
      bar.classList.add("gc-bell");
      clearTimeout(bellTimer);
      bellTimer = setTimeout(() => bar.classList.remove("gc-bell"), 150);
    }

    function receive(data) {
      let msg;
      try {
        msg = JSON.parse(data);
      } catch (e) {
        return;
      }
      if (msg === null || typeof msg !== "object") return;
      if (msg.op === "flush") {
        received.push({ op: "flush" });
        if (policy) policy.flush();
        return;
      }
      if (msg.op !== "cue" || typeof msg.text !== "string") return;
      if (!Object.prototype.hasOwnProperty.call(PRIORITY, msg.kind)) return;
      const text = msg.text.slice(0, MAX_TEXT);
      const late = typeof msg.late === "number" && isFinite(msg.late) ? msg.late : 0;
      received.push({ op: "cue", text, kind: msg.kind, late });
      const item = document.createElement("li");
      item.textContent = text;
      log.appendChild(item);
      while (log.childElementCount > 200) log.removeChild(log.firstElementChild);
      if (msg.kind !== "count" && msg.kind !== "rep") said.textContent = text;
      if (msg.kind === "count") bell();
      if (policy && voiceOn) policy.offer(text, msg.kind, late);
    }

    let wait = 500;
    function connect() {
      const scheme = location.protocol === "https:" ? "wss:" : "ws:";
      const token = new URLSearchParams(location.search).get("token") || "";
      const ws = new WebSocket(`${scheme}//${location.host}/glutecoach/cues?token=${encodeURIComponent(token)}`);
      ws.addEventListener("open", () => { wait = 500; });
      ws.addEventListener("message", (e) => { if (typeof e.data === "string") receive(e.data); });
      ws.addEventListener("close", () => {
        setTimeout(connect, wait);
        wait = Math.min(wait * 2, 10000);
      });
    }
    connect();

    document.getElementById("gc-again").addEventListener("click", () => location.reload());
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
