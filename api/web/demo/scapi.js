// A small SCAPI client for the demo's CRM frame. It speaks the postMessage
// protocol of genesys.wwe.service.interaction as Genesys' own library does
// (DESIGN.md §2.2, §2.5): referenceIds count up from "0"; a reply is
// matched only by a truthy referenceId equal (===) to the one sent; a reply
// with errorMessage fails the call; a call not answered in 10 s fails with
// "Request timeout"; subscribe sends {"event":"subscribe"} and is answered
// with a subscriptionId; events are dispatched by their event name; the
// frameId is taken from a message with neither event nor referenceId.
var scapi = (function () {
  "use strict";

  var TIMEOUT = 10000;
  var target = window.parent;
  var next = 0;
  var frameId = null;
  var pending = []; // {ref, resolve, reject, timer}
  var handlers = {}; // event name -> [function]

  window.addEventListener("message", function (e) {
    if (e.source !== target) {
      return;
    }
    var m = e.data;
    if (m === null || typeof m !== "object") {
      return;
    }
    if (m.event) {
      (handlers[m.event] || []).forEach(function (fn) { fn(m.data); });
      return;
    }
    if (!m.referenceId) {
      if (m.frameId !== undefined) {
        frameId = m.frameId;
      }
      return;
    }
    for (var i = 0; i < pending.length; i++) {
      var p = pending[i];
      if (p.ref === m.referenceId) {
        pending.splice(i, 1);
        clearTimeout(p.timer);
        if (m.errorMessage !== undefined) {
          p.reject(m);
        } else {
          p.resolve(m);
        }
        return;
      }
    }
  });

  function send(fields) {
    var ref = String(next++);
    var m = { referenceId: ref, userAgent: "WWE Client", protocolVersion: 2 };
    Object.keys(fields).forEach(function (k) { m[k] = fields[k]; });
    if (frameId !== null) {
      m.frameId = frameId;
    }
    return new Promise(function (resolve, reject) {
      var p = { ref: ref, resolve: resolve, reject: reject };
      p.timer = setTimeout(function () {
        pending.splice(pending.indexOf(p), 1);
        reject({ errorMessage: "Request timeout" });
      }, TIMEOUT);
      pending.push(p);
      target.postMessage(m, "*");
    });
  }

  return {
    // request calls interaction.<name> with positional parameters; it
    // resolves to the result.
    request: function (name, parameters) {
      return send({ request: "interaction." + name, parameters: parameters || [] })
        .then(function (reply) { return reply.result; });
    },
    // subscribe listens to the events named; it resolves to the
    // subscriptionId.
    subscribe: function (events, handler) {
      events.forEach(function (name) {
        (handlers[name] = handlers[name] || []).push(handler);
      });
      return send({ event: "subscribe", data: events })
        .then(function (reply) { return reply.subscriptionId; });
    },
    unsubscribe: function (subscriptionId) {
      return send({ event: "unsubscribe", data: subscriptionId });
    },
    frameId: function () { return frameId; },
  };
})();
