// The demo CRM: lists the interactions, writes user data, marks done and
// shows the events, all through scapi.js. Every outcome is written to
// #result with data-outcome set to "ok" or the errorCode, for people and
// for the browser test alike.
(function () {
  "use strict";

  var current = "1";
  var rows = {};

  function $(id) {
    return document.getElementById(id);
  }

  function show(text, outcome) {
    var p = $("result");
    p.textContent = text;
    p.className = outcome === "ok" ? "ok" : "refused";
    p.dataset.outcome = outcome;
    p.dataset.seq = String(Number(p.dataset.seq || 0) + 1);
  }

  function fail(what) {
    return function (reply) {
      show(what + " refused: " + (reply.errorCode || "") + " " + reply.errorMessage, reply.errorCode || "ERROR");
    };
  }

  function userData(it) {
    var ud = it.userData || {};
    return Object.keys(ud).sort().map(function (k) { return k + "=" + JSON.stringify(ud[k]); }).join(", ");
  }

  function render(it) {
    if (!it || !it.interactionId) {
      return;
    }
    var tr = rows[it.interactionId];
    if (!tr) {
      tr = document.createElement("tr");
      tr.id = "interaction-" + it.interactionId;
      tr.addEventListener("click", function () { select(it.interactionId); });
      rows[it.interactionId] = tr;
      $("interactions").appendChild(tr);
    }
    tr.className = it.interactionId === current ? "selected" : "";
    tr.innerHTML = "";
    [it.interactionId, it.mediaType, it.state, userData(it)].forEach(function (v) {
      var td = document.createElement("td");
      td.textContent = v || "";
      tr.appendChild(td);
    });
  }

  function select(id) {
    current = id;
    $("current").textContent = id;
    Object.keys(rows).forEach(function (k) { rows[k].className = k === id ? "selected" : ""; });
  }

  function write(keyValues, what) {
    scapi.request("setUserData", [current, keyValues]).then(function (it) {
      render(it);
      show(what + ": written", "ok");
    }, fail(what));
  }

  $("write-notes").onclick = function () {
    write({ Notes: "called back " + new Date().toISOString().slice(11, 19) }, "Notes");
  };
  $("write-ssn").onclick = function () { write({ SSN: "078-05-1120" }, "SSN"); };
  $("set-disposition").onclick = function () { write({ DispositionCode: "Sale" }, "DispositionCode"); };
  $("markdone").onclick = function () {
    scapi.request("markdone", [current]).then(function () {
      show("Mark done: done", "ok");
    }, fail("Mark done"));
  };

  function event(data) {
    var li = document.createElement("li");
    li.textContent = data.eventType + " " + (data.interactionId || (data.interaction && data.interaction.interactionId) || "") +
      (data.warningMessages ? " " + data.warningMessages.join("; ") : "");
    li.dataset.eventType = data.eventType;
    $("events").appendChild(li);
    if (data.interaction) {
      render(data.interaction);
    }
  }

  function start() {
    scapi.subscribe(["interaction", "markdone"], event).then(function () {
      return scapi.request("getInteractions");
    }).then(function (list) {
      (list || []).forEach(render);
      select(current);
      $("frame").textContent = "(frame " + scapi.frameId() + ")";
      show("Ready", "ok");
    }, fail("Loading"));
  }

  // The relay starts a frame afresh when its document has loaded: begin
  // after that.
  window.addEventListener("load", function () { setTimeout(start, 0); });
})();
