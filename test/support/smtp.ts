import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { Test } from 'tap';
import { eventually } from './batches.js';

/**
 * A real SMTP server on 127.0.0.1 (a free port) that keeps every message it receives, parsed with mailparser;
 * closed when the test ends. Point the app at it with SMTP_URL: `build(t, { SMTP_URL: smtp.url })`.
 */
export async function startTestSmtp(t: Test) {
  const arrivals: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        arrivals.push(await simpleParser(Buffer.concat(chunks)));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.server.address() as { port: number };
  const addressedTo = (message: ParsedMail, to: string) => [message.to].flat().some((address) => address?.value.some((entry) => entry.address?.toLowerCase() === to.toLowerCase()));
  return {
    url: `smtp://127.0.0.1:${port}`,
    arrivals,
    /** every message to `to` so far */
    messagesTo: (to: string) => arrivals.filter((message) => addressedTo(message, to)),
    /** waits for the `count`-th message to `to` and returns it */
    async nextMessageTo(to: string, count = 1): Promise<ParsedMail> {
      const all = await eventually(`message ${count} to ${to}`, async () => arrivals.filter((message) => addressedTo(message, to)), (found) => found.length >= count, 15_000);
      return all[count - 1]!;
    },
  };
}

/** The first link of a message's plain text that starts with `prefix`. */
export function linkIn(message: ParsedMail, prefix: string): string {
  const link = (message.text ?? '').split(/\s+/).find((word) => word.startsWith(prefix));
  if (!link) throw new Error(`no link starting with ${prefix} in: ${message.text}`);
  return link;
}
