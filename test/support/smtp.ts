import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { Test } from 'tap';
import { eventually } from './batches.js';

/** A message as the server received it: parsed with mailparser, with its SMTP envelope and arrival time. */
export interface Arrival {
  parsed: ParsedMail;
  envelope: SMTPServerSession['envelope'];
  at: number;
}

/**
 * A real SMTP server on 127.0.0.1 (a free port) that keeps every message it receives; closed when the test ends.
 * Point the app at it with SMTP_URL: `build(t, { SMTP_URL: smtp.url })`.
 *
 * It offers no STARTTLS, so nodemailer talks plain SMTP to it as SMTP_URL says without ?ignoreTLS=true. `refuse`
 * queues answers to RCPT TO for an address (one per attempt, then it accepts); `attemptsAt` records each RCPT TO.
 */
export async function startTestSmtp(t: Test) {
  const arrivals: Arrival[] = [];
  const refusals = new Map<string, { code: number; text: string }[]>();
  const attemptsAt = new Map<string, number[]>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const to = address.address.toLowerCase();
      attemptsAt.set(to, [...(attemptsAt.get(to) ?? []), Date.now()]);
      const refusal = refusals.get(to)?.shift();
      if (refusal) return callback(Object.assign(new Error(refusal.text), { responseCode: refusal.code }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        arrivals.push({ parsed: await simpleParser(Buffer.concat(chunks)), envelope: session.envelope, at: Date.now() });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.server.address() as { port: number };
  const addressedTo = (arrival: Arrival, to: string) => arrival.envelope.rcptTo.some((rcpt) => rcpt.address.toLowerCase() === to.toLowerCase());
  const messagesTo = (to: string) => arrivals.filter((arrival) => addressedTo(arrival, to)).map((arrival) => arrival.parsed);
  return {
    url: `smtp://127.0.0.1:${port}`,
    arrivals,
    attemptsAt: (to: string) => attemptsAt.get(to.toLowerCase()) ?? [],
    /** the server answers the next RCPT TO for `to` with each of these in turn, then accepts */
    refuse: (to: string, ...answers: { code: number; text: string }[]) => refusals.set(to.toLowerCase(), answers),
    /** every message to `to` so far */
    messagesTo,
    /** the first message to `to`, if any */
    arrivalFor: (to: string) => arrivals.find((arrival) => addressedTo(arrival, to)),
    /** waits for the `count`-th message to `to` and returns it */
    async nextMessageTo(to: string, count = 1): Promise<ParsedMail> {
      const all = await eventually(`message ${count} to ${to}`, async () => messagesTo(to), (found) => found.length >= count, 15_000);
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
