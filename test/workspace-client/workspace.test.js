// Genesys' own Workspace API v3 client (genesys-workspace-client-js 9.0.1)
// against the reference GWS: `wwe-sim --api workspace` at WWE_SIM_URL (the
// Go test TestWorkspaceClientNode in cmd/wwe-sim starts one and sets it).
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const WorkspaceApi = require('genesys-workspace-client-js');
const generated = require('genesys-workspace-client-js/src/internal/code-gen/workspace-api');

const { redirectUri, signIn, simPost, calls, keys } = require('./helpers');

const base = process.env.WWE_SIM_URL;

test('the official client drives a call through the reference GWS', { skip: !base && 'WWE_SIM_URL is not set' }, async (t) => {
  const api = new WorkspaceApi(undefined, base, false);
  await api.initialize({ code: await signIn(base, 'JohnSmith'), redirectUri });
  t.after(() => api.destroy());
  assert.equal(api.user.agentLogin, '7001');
  assert.equal(api.user.defaultPlace, 'Place_7001');
  const events = calls(api);

  // The wrapper activates with autoCompleteCall left out: released calls complete by themselves.
  await api.activateChannels();
  await simPost(base, '/sim/ring', { agent: 'JohnSmith', userData: [{ key: 'CaseId', type: 'str', value: 'C-1' }] });
  let msg = await events.next('ringing', (m) => m.call.state === 'Ringing');
  const first = msg.call.id;
  assert.deepEqual(keys(msg.call), ['CaseId=C-1']);
  await api.voice.answerCall(first);
  await events.next('established', (m) => m.call.id === first && m.call.state === 'Established');
  await api.voice.releaseCall(first);
  await events.next('released', (m) => m.call.id === first && m.call.state === 'Released');
  await events.next('auto-completed', (m) => m.call.id === first && m.call.state === 'Completed');

  // Activated again with autoCompleteCall false (the generated SessionApi), a
  // released call waits for complete.
  const session = new generated.SessionApi(api.agent);
  await session.activateChannels({ data: { agentId: api.user.agentLogin, placeName: api.user.defaultPlace, autoCompleteCall: false } });
  await simPost(base, '/sim/ring', { agent: 'JohnSmith', userData: [{ key: 'CaseId', type: 'str', value: 'C-2' }] });
  msg = await events.next('ringing again', (m) => m.call.state === 'Ringing');
  const id = msg.call.id;
  await api.voice.answerCall(id);
  await events.next('established', (m) => m.call.id === id && m.call.state === 'Established');

  const changed = (what) => events.next(what, (m) => m.call.id === id && m.notificationType === 'AttachedDataChanged');
  await api.voice.attachUserData(id, [{ key: 'Lang', type: 'str', value: 'en' }, { key: 'CaseId', type: 'str', value: 'C-3' }]);
  assert.deepEqual(keys((await changed('attach')).call), ['CaseId=C-2', 'Lang=en', 'CaseId=C-3']);
  await api.voice.updateUserData(id, [{ key: 'CaseId', type: 'str', value: 'C-4' }, { key: 'Num', type: 'int', value: 42 }]);
  assert.deepEqual(keys((await changed('update')).call), ['CaseId=C-4', 'Lang=en', 'Num=42']);
  await api.voice.deleteUserDataPair(id, 'Lang');
  assert.deepEqual(keys((await changed('delete')).call), ['CaseId=C-4', 'Num=42']);

  await api.voice.releaseCall(id);
  await events.next('released', (m) => m.call.id === id && m.call.state === 'Released');
  const voice = new generated.VoiceApi(api.agent);
  const reply = await voice.completeCall(id, { operationId: 'op-done', data: { userData: [{ key: 'DispositionCode', type: 'str', value: 'Resolved' }] } });
  assert.equal(reply.status.code, 1);
  msg = await events.next('completed', (m) => m.call.id === id && m.call.state === 'Completed');
  assert.deepEqual(keys(msg.call), ['CaseId=C-4', 'Num=42', 'DispositionCode=Resolved']);

  const received = await (await fetch(`${base}/sim/received`)).json();
  assert.equal(received.counts['POST /workspace/v3/voice/calls/{id}/delete-user-data-pair'], 1);
  assert.deepEqual(received.bodies['POST /workspace/v3/voice/calls/{id}/delete-user-data-pair'], { data: { key: 'Lang' } });
});
