import { afterEach, describe, expect, it } from 'vitest';
import { startSfu } from '@roundtable/signaling-server';
import { resetFakeElectron, utilityProcess, type FakeUtilityProcess } from '../../../tests/fakes/electron';
import { utilityProcessSfu } from './sfu-process';

afterEach(() => resetFakeElectron());

describe('the SFU in the desktop app', () => {
  it('runs in a utilityProcess with its settings, and the hosting gateway talks to it through messages', async () => {
    const starting = startSfu(utilityProcessSfu('/app/out/main/sfu-worker.js'), { bindAddress: '127.0.0.1' });
    const child = utilityProcess.forked[0] as FakeUtilityProcess;
    expect(child.modulePath).toBe('/app/out/main/sfu-worker.js');
    expect(JSON.parse((child.options.env as Record<string, string> | undefined)?.['ROUNDTABLE_SFU'] ?? '{}')).toMatchObject({
      bindAddress: '127.0.0.1',
      loudestOnlyFrom: 10,
    });
    child.send({ t: 'ready', version: 'node-datachannel (libdatachannel 0.24)' });
    const sfu = await starting;
    expect(sfu.version).toContain('libdatachannel');

    const answer = sfu.publish('meeting-1', 'participant-1', { sdp: 'v=0', fresh: true, slots: [{ mid: '0', slot: 'audio' }] });
    const sent = child.posted.at(-1) as { t: string; req: number };
    expect(sent).toMatchObject({ t: 'publish', meeting: 'meeting-1', member: 'participant-1', sdp: 'v=0' });
    // Something that is not an SFU event is ignored; the real answer resolves the request.
    child.send({ t: 'reply', req: sent.req, sdp: 42 });
    child.send({ t: 'reply', req: sent.req, sdp: 'v=0 answer' });
    await expect(answer).resolves.toBe('v=0 answer');

    await sfu.stop();
    expect(child.killed).toBe(true);
  });

  it('gives up if the process never says it is ready, and stops it', async () => {
    const starting = startSfu(utilityProcessSfu('/x.js'));
    const child = utilityProcess.forked[0] as FakeUtilityProcess;
    child.emit('exit', 1);
    await expect(starting).rejects.toThrow(/ended before it was ready/);
  });
});
