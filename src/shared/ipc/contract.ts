import { z } from 'zod';
import type { IpcResult } from './result';

/**
 * How an IPC channel is declared: once, in `ipc/<feature>.ts`, with its name, its direction and
 * the zod schemas of what crosses. Main's registration (electron/ipc.ts registerChannels), its
 * handler types, the preload's methods and the renderer's DesktopApi are all derived from these.
 */

/** The schemas of a request's arguments, in order (an empty list for none). */
export type ArgSchemas = readonly [] | readonly [z.ZodType, ...z.ZodType[]];

/** Renderer -> main, answered: `ipcRenderer.invoke(name, ...args)` resolves with main's result. */
export interface InvokeChannel<Name extends string = string, Args extends ArgSchemas = ArgSchemas, Result extends z.ZodType = z.ZodType> {
  readonly direction: 'invoke';
  readonly name: Name;
  /** All the arguments as one tuple: main validates them (their number included) before the handler runs. */
  readonly args: z.ZodTuple<Args, null>;
  /** What main answers; checked in main before it is sent. */
  readonly result: Result;
}

/** Main -> renderer, pushed: `webContents.send(name, payload)`, validated where the preload receives it. */
export interface EventChannel<Name extends string = string, Payload extends z.ZodType = z.ZodType> {
  readonly direction: 'event';
  readonly name: Name;
  readonly payload: Payload;
}

/** Declares a request channel. */
export function invoke<const Name extends string, const Args extends ArgSchemas, Result extends z.ZodType>(
  name: Name,
  spec: { args: Args; result: Result },
): InvokeChannel<Name, Args, Result> {
  // z.tuple's overloads cannot take a generic list; the tuple it makes is exactly ZodTuple<Args, null>.
  const args = z.tuple(spec.args as unknown as [z.ZodType, ...z.ZodType[]]) as unknown as z.ZodTuple<Args, null>;
  return { direction: 'invoke', name, args, result: spec.result };
}

/** Declares an event channel. */
export function event<const Name extends string, Payload extends z.ZodType>(name: Name, payload: Payload): EventChannel<Name, Payload> {
  return { direction: 'event', name, payload };
}

/** A feature's events, as a list (their names are the keys of `EventPayloads`). */
export function events<const Events extends readonly EventChannel[]>(...list: Events): Events {
  return list;
}

/** One section of `window.desktop` (e.g. `hosting`): method name -> its request channel. */
export type Section = Readonly<Record<string, InvokeChannel>>;
/** Sections by name: `{ hosting: HOSTING_CHANNELS, … }`. */
export type Sections = Readonly<Record<string, Section>>;

/** What the renderer passes / main's handler receives (after validation) / the handler returns / the renderer gets. */
export type ArgsIn<C extends InvokeChannel> = z.input<C['args']>;
export type ArgsOut<C extends InvokeChannel> = z.output<C['args']>;
export type ResultIn<C extends InvokeChannel> = z.input<C['result']>;
export type ResultOut<C extends InvokeChannel> = z.output<C['result']>;

/** The channels of some sections, as a union. */
export type ChannelOf<D extends Sections> = { [S in keyof D]: D[S][keyof D[S]] }[keyof D];

/** Main's handler of one channel: validated arguments in, a result (or a promise of one) out; it may throw. */
export type Handler<C extends InvokeChannel> = (...args: ArgsOut<C>) => ResultIn<C> | Promise<ResultIn<C>>;
/** One handler per channel, keyed by channel name. */
export type HandlersFor<C extends InvokeChannel> = { [K in C as K['name']]: Handler<K> };
export type SectionHandlers<S extends Section> = HandlersFor<S[keyof S]>;
export type Handlers<D extends Sections> = HandlersFor<ChannelOf<D>>;

/** A section as the renderer uses it: each method resolves with the result, or rejects with a DesktopError. */
export type SectionApi<S extends Section> = { [M in keyof S]: (...args: ArgsIn<S[M]>) => Promise<ResultOut<S[M]>> };
/** A section as the preload exposes it: each method resolves with a result envelope and never rejects. */
export type SectionBridge<S extends Section> = { [M in keyof S]: (...args: ArgsIn<S[M]>) => Promise<IpcResult<ResultOut<S[M]>>> };

/** Event name -> payload, for a list of events. */
export type EventPayloads<E extends readonly EventChannel[]> = { [C in E[number] as C['name']]: z.output<C['payload']> };

/** Every request channel of some sections. */
export function channelsOf(sections: Sections): InvokeChannel[] {
  return Object.values(sections).flatMap((section) => Object.values(section));
}

/** `{ section: { method: channel name } }`: what a bridge needs to build `window.desktop` (plain data, e.g. for a test page). */
export function bridgeLayout(sections: Sections): Record<string, Record<string, string>> {
  return Object.fromEntries(
    Object.entries(sections).map(([section, methods]) => [
      section,
      Object.fromEntries(Object.entries(methods).map(([method, channel]) => [method, channel.name])),
    ]),
  );
}
