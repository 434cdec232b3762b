// What the tests of Genesys' client share: signing in as a browser would,
// the sim's test endpoints, and waiting for CallStateChanged events.
'use strict';

const assert = require('node:assert/strict');

const redirectUri = 'http://127.0.0.1:9/app';

// signIn gets an authorization code from base the way a browser would: the
// sign-in form, and the code from the redirect.
async function signIn(base, user) {
  const res = await fetch(`${base}/auth/v3/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: user, password: user, redirect_uri: redirectUri }),
  });
  assert.equal(res.status, 302);
  const code = new URL(res.headers.get('location')).searchParams.get('code');
  assert.ok(code, 'a code in the redirect');
  return code;
}

// simPost posts to one of the sim's test endpoints and returns its answer.
async function simPost(sim, path, body) {
  const res = await fetch(`${sim}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `${path}: ${text}`);
  return JSON.parse(text);
}

// calls collects the client's CallStateChanged events: all holds them, and
// next waits for the first one not yet taken that matches.
function calls(api) {
  const all = [];
  let taken = 0;
  const waiting = [];
  api.on('CallStateChanged', (msg) => {
    all.push(msg);
    for (const w of waiting.splice(0)) w();
  });
  return {
    all,
    next(what, match, ms = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no CallStateChanged: ${what}`)), ms);
        const look = () => {
          const i = all.slice(taken).findIndex(match);
          if (i >= 0) {
            clearTimeout(timer);
            taken += i + 1;
            resolve(all[taken - 1]);
          } else {
            waiting.push(look);
          }
        };
        look();
      });
    },
  };
}

// keys lists a call's user data as key=value, in order.
const keys = (call) => call.userData.map((p) => `${p.key}=${p.value}`);

module.exports = { redirectUri, signIn, simPost, calls, keys };
