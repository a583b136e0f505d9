import { randomBytes } from 'node:crypto';
import { FILE_LIMITS, type FileRefusal } from '../protocol/index.js';
import { TokenBucket } from '../limits/index.js';
import type { RoomContext } from '../rooms/context.js';
import { defineRoutes, fail, ok, type Reply } from '../rooms/dispatch.js';
import { NOT_IN_ROOM } from '../rooms/membership.js';

/** Each connection's budget of offers and of download tokens. */
const offerBudgets = new WeakMap<object, TokenBucket>();
const tokenBudgets = new WeakMap<object, TokenBucket>();

function budget(budgets: WeakMap<object, TokenBucket>, ctx: RoomContext, perSecond: number, burst: number): TokenBucket {
  let bucket = budgets.get(ctx.socket);
  if (!bucket) budgets.set(ctx.socket, (bucket = new TokenBucket(perSecond, burst, ctx.now)));
  return bucket;
}

const refused = (refusal: FileRefusal): Reply<'file-offer'> => ok({ refused: refusal });
const mb = (bytes: number): string => (bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`);

/**
 * Files in the chat, over the signaling connection: a member offers a file and gets an upload token
 * for it (or the reason it is refused), and asks for a download token for a file of their meeting.
 * The bytes themselves go over HTTP (files/http.ts).
 */
export const fileRoutes = defineRoutes<RoomContext>()({
  'file-offer': async ({ id, name, size, type }, ctx): Promise<Reply<'file-offer'>> => {
    const { registry, meetings, files, now } = ctx;
    const sender = registry.bySocketId(ctx.socket.id);
    const meeting = sender && meetings.get(sender.room);
    if (!sender || !meeting) return NOT_IN_ROOM;
    if (!budget(offerBudgets, ctx, FILE_LIMITS.offersPerSecond, FILE_LIMITS.offerBurst).take()) {
      return fail('rate-limited', `at most ${FILE_LIMITS.offersPerSecond} files a second (bursts of ${FILE_LIMITS.offerBurst})`);
    }
    const limit = Math.min(meeting.maxFileBytes, files.limits.maxFileBytes);
    if (limit === 0) return refused({ code: 'files-off', message: 'files are turned off in this meeting' });
    if (size === 0) return refused({ code: 'file-empty', message: 'the file is empty' });
    if (size > limit) return refused({ code: 'file-too-large', message: `files in this meeting are at most ${mb(limit)}`, maxBytes: limit });
    if (meeting.chat.messages >= ctx.chatLimits.maxMessagesPerMeeting) return refused({ code: 'file-quota', message: "this meeting's chat is full" });
    const { maxFilesPerMeeting, maxBytesPerMeeting } = files.limits;
    const fileId = randomBytes(16).toString('base64url');
    const expiresAt = now() + FILE_LIMITS.uploadTokenMs;
    // Held until the upload ends (or could no longer start): offers at the same moment share the quota.
    const fits = await files.oneAtATime(meeting.instance, async () => {
      const usage = await files.usage(meeting.instance);
      if (usage.files + 1 > maxFilesPerMeeting || usage.bytes + size > maxBytesPerMeeting) return false;
      files.reserve(fileId, meeting.instance, size, expiresAt + 60_000);
      return true;
    });
    if (!fits) return refused({ code: 'file-quota', message: `this meeting's files are full (${maxFilesPerMeeting} files or ${mb(maxBytesPerMeeting)})` });
    const token = await files.tokens.mintUpload({
      i: meeting.instance,
      c: meeting.code,
      p: sender.id,
      n: sender.name,
      f: fileId,
      m: id,
      nm: name,
      s: size,
      t: type,
      e: expiresAt,
    });
    return ok({ upload: { fileId, token, expiresAt } });
  },

  'file-token': async ({ fileId }, ctx): Promise<Reply<'file-token'>> => {
    const { registry, meetings, files, now } = ctx;
    const member = registry.bySocketId(ctx.socket.id);
    const meeting = member && meetings.get(member.room);
    if (!member || !meeting) return NOT_IN_ROOM;
    if (!budget(tokenBudgets, ctx, FILE_LIMITS.tokensPerSecond, FILE_LIMITS.tokenBurst).take()) {
      return fail('rate-limited', `at most ${FILE_LIMITS.tokensPerSecond} file tokens a second (bursts of ${FILE_LIMITS.tokenBurst})`);
    }
    if (!(await files.store.get(meeting.instance, fileId))) return fail('not-found', 'no such file in this meeting');
    const expiresAt = now() + FILE_LIMITS.downloadTokenMs;
    const token = await files.tokens.mintDownload({ i: meeting.instance, p: member.id, f: fileId, e: expiresAt });
    return ok({ token, expiresAt });
  },
});
