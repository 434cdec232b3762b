// wwe-guard relay: include it in a page that hosts integrator iframes, and
// Genesys' SCAPI client library in those frames talks to the guard
// (DESIGN.md §2.5):
//
//   <script src="https://GUARD/v1/scapi/relay.js"></script>
//
// Each frame gets a WebSocket of its own to GUARD/v1/scapi/ws. Every message
// a frame sends is stamped with the frame's origin as the browser reported
// it (callerOrigin), whatever the frame put there; replies and events go
// back to that frame only. With caller authentication, define
// window.wweGuardToken: a function returning a token from
// POST /v1/scapi/token (or a promise of one); it is sent first on each socket.
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src) {
    console.error("wwe-guard relay: load it with <script src=...>, it finds the guard from its own URL");
    return;
  }
  var guard = new URL(script.src);
  var socketURL = (guard.protocol === "https:" ? "wss://" : "ws://") + guard.host + "/v1/scapi/ws";

  var SERVER = { userAgent: "WWE Server", protocolVersion: 2 };
  var OWN = "wwe-guard-relay:"; // the referenceIds of the relay's own messages
  var MAX_BACKOFF = 30000;
  var SWEEP = 5000; // how often frames that left the page are looked for

  var frames = new Map(); // window -> frame
  var lastFrameId = 0;

  // isSCAPI reports whether m is a message the relay answers: an object
  // with a string request, or a subscribe or unsubscribe event.
  function isSCAPI(m) {
    if (m === null || typeof m !== "object" || Array.isArray(m)) {
      return false;
    }
    return typeof m.request === "string" || m.event === "subscribe" || m.event === "unsubscribe";
  }

  // key names a referenceId with its type: "3" and 3 are different ones.
  function key(ref) {
    return typeof ref + ":" + String(ref);
  }

  function server(fields) {
    var m = {};
    Object.keys(fields).forEach(function (k) { m[k] = fields[k]; });
    m.userAgent = SERVER.userAgent;
    m.protocolVersion = SERVER.protocolVersion;
    return m;
  }

  // Frame is one window the relay serves, known by its window and origin.
  function Frame(source, origin) {
    this.source = source;
    this.origin = origin;
    this.id = ++lastFrameId;
    this.ws = null;
    this.ready = false;
    this.queue = []; // messages waiting for the socket
    this.pending = new Map(); // key(referenceId) -> what the frame asked
    this.subs = new Map(); // the frame's subscriptionId -> {data, current}
    this.lastSub = 0;
    this.own = new Map(); // the relay's own referenceIds -> the frame's subscriptionId
    this.lastOwn = 0;
    this.backoff = 1000;
    this.timer = null;
    this.post(server({ frameId: this.id }));
  }

  Frame.prototype.post = function (m) {
    try {
      this.source.postMessage(m, this.origin);
    } catch (e) {
      // the frame went away
    }
  };

  // take handles one message of the frame.
  Frame.prototype.take = function (data) {
    var m = {};
    Object.keys(data).forEach(function (k) { m[k] = data[k]; });
    var ref = m.referenceId;
    if (ref) {
      var asked = { ref: ref };
      if (m.event === "subscribe") {
        asked.subscribe = true;
        asked.data = m.data;
      } else if (m.event === "unsubscribe") {
        asked.unsubscribe = String(m.data);
      }
      this.pending.set(key(ref), asked);
    }
    this.queue.push(m);
    if (this.ws === null) {
      this.connect();
    } else {
      this.flush();
    }
  };

  Frame.prototype.connect = function () {
    var f = this;
    clearTimeout(f.timer);
    f.timer = null;
    var ws = new WebSocket(socketURL);
    f.ws = ws;
    f.ready = false;
    ws.onopen = function () {
      var token = typeof window.wweGuardToken === "function" ? window.wweGuardToken() : null;
      Promise.resolve(token).then(function (t) {
        if (f.ws !== ws) {
          return;
        }
        if (t) {
          ws.send(JSON.stringify({ token: String(t) }));
        }
        f.backoff = 1000;
        f.resubscribe();
      }, function (err) {
        console.error("wwe-guard relay: no token", err);
        ws.close();
      });
    };
    ws.onmessage = function (e) {
      if (f.ws === ws) {
        f.receive(e.data);
      }
    };
    ws.onclose = function () {
      if (f.ws === ws) {
        f.closed();
      }
    };
  };

  // resubscribe opens again, on a new socket, the subscriptions the frame
  // had; what the frame sent meanwhile waits until they are answered.
  Frame.prototype.resubscribe = function () {
    var f = this;
    f.subs.forEach(function (sub, id) {
      var ref = OWN + (++f.lastOwn);
      f.own.set(ref, id);
      sub.current = null;
      f.send({ event: "subscribe", data: sub.data, referenceId: ref, userAgent: "WWE Client", protocolVersion: 2 });
    });
    if (f.own.size === 0) {
      f.ready = true;
      f.flush();
    }
  };

  Frame.prototype.send = function (m) {
    m.callerOrigin = this.origin; // always the browser's word, never the frame's
    this.ws.send(JSON.stringify(m));
  };

  Frame.prototype.flush = function () {
    if (!this.ready) {
      return;
    }
    while (this.queue.length > 0) {
      var m = this.queue.shift();
      if (m.event === "unsubscribe") {
        var sub = this.subs.get(String(m.data));
        if (sub) {
          m.data = sub.current;
        }
      }
      this.send(m);
    }
  };

  Frame.prototype.receive = function (text) {
    var m;
    try {
      m = JSON.parse(text);
    } catch (e) {
      return;
    }
    if (m === null || typeof m !== "object") {
      return;
    }
    var ref = m.referenceId;
    if (typeof ref === "string" && this.own.has(ref)) {
      this.resubscribed(ref, m);
      return;
    }
    if (ref) {
      var asked = this.pending.get(key(ref));
      if (!asked) {
        return; // nothing the frame waits for
      }
      this.pending.delete(key(ref));
      if (asked.subscribe && m.subscriptionId !== undefined && m.errorMessage === undefined) {
        var id = String(++this.lastSub);
        this.subs.set(id, { data: asked.data, current: m.subscriptionId });
        m.subscriptionId = id;
      }
      if (asked.unsubscribe !== undefined && m.errorMessage === undefined) {
        this.subs.delete(asked.unsubscribe);
      }
      this.post(m);
      return;
    }
    if (typeof m.event === "string") {
      this.post(m);
    }
  };

  Frame.prototype.resubscribed = function (ref, m) {
    var id = this.own.get(ref);
    this.own.delete(ref);
    var sub = this.subs.get(id);
    if (sub && m.subscriptionId !== undefined && m.errorMessage === undefined) {
      sub.current = m.subscriptionId;
    } else if (sub) {
      console.warn("wwe-guard relay: a subscription could not be renewed", m.errorMessage);
      this.subs.delete(id);
    }
    if (this.own.size === 0) {
      this.ready = true;
      this.flush();
    }
  };

  // closed fails what the frame waits for; the next message reconnects,
  // and so does a timer while the frame has subscriptions.
  Frame.prototype.closed = function () {
    var f = this;
    f.ws = null;
    f.ready = false;
    f.own.clear();
    f.pending.forEach(function (asked) {
      f.post(server({
        referenceId: asked.ref,
        errorCode: "SERVICE_UNAVAILABLE",
        errorMessage: "the connection to wwe-guard closed before it answered",
      }));
    });
    f.pending.clear();
    f.queue = [];
    if (f.subs.size > 0 && f.timer === null) {
      f.timer = setTimeout(function () {
        f.timer = null;
        if (f.ws === null && frames.get(f.source) === f) {
          f.connect();
        }
      }, f.backoff);
      f.backoff = Math.min(f.backoff * 2, MAX_BACKOFF);
    }
  };

  // reset forgets the frame: its socket closes, its subscriptions end and
  // late replies are dropped.
  Frame.prototype.reset = function () {
    clearTimeout(this.timer);
    var ws = this.ws;
    this.ws = null;
    if (ws !== null) {
      ws.close(1000, "frame reset");
    }
    frames.delete(this.source);
  };

  window.addEventListener("message", function (e) {
    var source = e.source;
    if (!source || source === window || !isSCAPI(e.data)) {
      return;
    }
    if (e.origin === "null" || !e.origin) {
      return; // an opaque origin cannot be told apart from any other
    }
    var f = frames.get(source);
    if (f && f.origin !== e.origin) {
      f.reset();
      f = null;
    }
    if (!f) {
      f = new Frame(source, e.origin);
      frames.set(source, f);
    }
    f.take(e.data);
  });

  // A frame taken off the page (or a window closed) gives its socket back.
  setInterval(function () {
    frames.forEach(function (f) {
      if (f.source.closed) {
        f.reset();
      }
    });
  }, SWEEP);

  // A frame that loads a new document starts afresh.
  document.addEventListener("load", function (e) {
    var el = e.target;
    if (el && el.tagName === "IFRAME" && el.contentWindow) {
      var f = frames.get(el.contentWindow);
      if (f) {
        f.reset();
      }
    }
  }, true);
})();
