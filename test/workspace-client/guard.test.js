// Genesys' own Workspace API v3 client through wwe-guard in front of the
// reference GWS: the guard at WWE_GUARD_URL (upstream.kind: workspace), the
// sim at WWE_SIM_URL for its test endpoints. The Go test
// TestE2EWorkspaceClientThroughTheGuard in cmd/wwe-guard starts both, with
// options that let Notes, CaseId and DispositionCode be written and read,
// hide Secret, and require a disposition before markdone.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const WorkspaceApi = require('genesys-workspace-client-js');
const generated = require('genesys-workspace-client-js/src/internal/code-gen/workspace-api');

const { redirectUri, signIn, simPost, calls: events, keys } = require('./helpers');

const guard = process.env.WWE_GUARD_URL;
const sim = process.env.WWE_SIM_URL;

const ring = (userData) => simPost(sim, '/sim/ring', { agent: 'JohnSmith', userData });

// received is what the sim got on route (its template), and the last body.
async function received(route) {
  const r = await (await fetch(`${sim}/sim/received`)).json();
  return { count: r.counts[route] || 0, body: r.bodies[route] };
}

// refusal runs a call the guard must refuse and returns the error body.
async function refusal(call, status) {
  try {
    await call();
  } catch (err) {
    assert.equal(err.status, status, `refused with ${status}: ${err.message}`);
    return err.response.body;
  }
  assert.fail(`not refused (want ${status})`);
}

const update = 'POST /workspace/v3/voice/calls/{id}/update-user-data';
const complete = 'POST /workspace/v3/voice/calls/{id}/complete';

test('the official client works through the guard, which decides its writes and markdone', { skip: !guard && 'WWE_GUARD_URL is not set' }, async (t) => {
  const api = new WorkspaceApi(undefined, guard, false);
  await api.initialize({ code: await signIn(guard, 'JohnSmith'), redirectUri });
  t.after(() => api.destroy());
  const calls = events(api);
  // The wrapper asks for GWS's default, auto-completion; the guard holds it.
  await api.activateChannels();

  await ring([{ key: 'CaseId', type: 'str', value: 'C-1' }, { key: 'Secret', type: 'str', value: 's3' }]);
  let msg = await calls.next('ringing', (m) => m.call.state === 'Ringing');
  const id = msg.call.id;
  assert.deepEqual(keys(msg.call), ['CaseId=C-1'], 'the hidden key never reaches the client; the readable one does');
  await api.voice.answerCall(id);
  await calls.next('established', (m) => m.call.id === id && m.call.state === 'Established');

  // An allowed write reaches the sim; a refused key is refused in v3's envelope and never does.
  await api.voice.updateUserData(id, [{ key: 'Notes', type: 'str', value: 'ok' }]);
  msg = await calls.next('Notes written', (m) => m.call.id === id && keys(m.call).includes('Notes=ok'));
  assert.ok(!keys(msg.call).some((k) => k.startsWith('Secret')));
  assert.deepEqual(await received(update), { count: 1, body: { data: { userData: [{ key: 'Notes', type: 'str', value: 'ok' }] } } });
  let body = await refusal(() => api.voice.updateUserData(id, [{ key: 'SSN', type: 'str', value: '1' }]), 403);
  assert.equal(body.status.code, 3);
  assert.equal(body.errorCode, 'USER_DATA_WRITE_NOT_ALLOWED');
  assert.deepEqual(body.deniedKeys, ['SSN']);
  assert.equal((await received(update)).count, 1, 'the refused write never reached the sim');

  // The user data carried by make-call and initiate-transfer is decided too.
  body = await refusal(() => api.voice.makeCall('7002', { userData: [{ key: 'SSN', type: 'str', value: '1' }] }), 403);
  assert.deepEqual(body.deniedKeys, ['SSN']);
  body = await refusal(() => api.voice.initiateTransfer(id, '7002', { userData: [{ key: 'SSN', type: 'str', value: '1' }] }), 403);
  assert.deepEqual(body.deniedKeys, ['SSN']);
  assert.equal((await received('POST /workspace/v3/voice/make-call')).count, 0);
  assert.equal((await received('POST /workspace/v3/voice/calls/{id}/initiate-transfer')).count, 0);

  // Released, the call waits: complete is held until a disposition is set.
  await api.voice.releaseCall(id);
  await calls.next('released', (m) => m.call.id === id && m.call.state === 'Released');
  const voice = new generated.VoiceApi(api.agent);
  body = await refusal(() => voice.completeCall(id, { data: { userData: [] } }), 409);
  assert.equal(body.errorCode, 'MARKDONE_BLOCKED');
  assert.ok(body.warningMessages.length > 0);
  body = await refusal(() => voice.completeCall(id, { data: { userData: [{ key: 'SSN', type: 'str', value: '1' }, { key: 'DispositionCode', type: 'str', value: 'Resolved' }] } }), 403);
  assert.deepEqual(body.deniedKeys, ['SSN'], 'the user data of complete is decided');
  assert.equal((await received(complete)).count, 0, 'no refused complete reached the sim');
  assert.ok(!calls.all.some((m) => m.call.id === id && m.call.state === 'Completed'), 'the release did not complete the call');

  const reply = await voice.completeCall(id, { data: { userData: [{ key: 'DispositionCode', type: 'str', value: 'Resolved' }] } });
  assert.equal(reply.status.code, 1);
  msg = await calls.next('completed', (m) => m.call.id === id && m.call.state === 'Completed');
  assert.ok(keys(msg.call).includes('DispositionCode=Resolved'));
  assert.equal((await received(complete)).count, 1);
  assert.ok(!calls.all.some((m) => keys(m.call).some((k) => k.startsWith('Secret'))), 'Secret never appeared in any notification');
});
