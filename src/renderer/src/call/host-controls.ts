import type { HostSettings, RoomSettings } from '@roundtable/signaling-server/protocol';
import type { SignalingClient } from './signaling-client';

/**
 * The host's controls, as requests to the server (which checks, every time, that we are the host).
 * Each resolves when the server has done it and rejects with a SignalingError saying why not.
 */
export class HostControls {
  constructor(private readonly signaling: SignalingClient) {}

  admit(id: string): Promise<object> {
    return this.signaling.request('admit', { id });
  }
  admitAll(): Promise<object> {
    return this.signaling.request('admit-all', {});
  }
  deny(id: string): Promise<object> {
    return this.signaling.request('deny', { id });
  }
  askToUnmute(id: string): Promise<object> {
    return this.signaling.request('ask-unmute', { id });
  }
  mute(id: string): Promise<object> {
    return this.signaling.request('mute', { id });
  }
  stopVideo(id: string): Promise<object> {
    return this.signaling.request('stop-video', { id });
  }
  remove(id: string): Promise<object> {
    return this.signaling.request('remove', { id });
  }
  /** Lets someone removed come back (through the meeting's usual rules). */
  unban(id: string): Promise<object> {
    return this.signaling.request('unban', { id });
  }
  makeHost(id: string): Promise<object> {
    return this.signaling.request('make-host', { id });
  }
  endForAll(): Promise<object> {
    return this.signaling.request('end-meeting', {});
  }
  async update(settings: HostSettings): Promise<RoomSettings> {
    return (await this.signaling.request('host-settings', settings)).room;
  }
}
