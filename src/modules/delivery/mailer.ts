import { createPrivateKey, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import nodemailer, { type DKIMOptions } from 'nodemailer';
import type { Config } from '../../config.js';
import type { EmailAttachment } from '../../web/email/credential-email.js';

/** A message ready to go: who to, and what (a rendered e-mail, e.g. renderCredentialEmail's result). */
export interface OutgoingMail {
  to: string;
  /** where answers go (a centre's contact address) */
  replyTo?: string;
  /** the sender, else MAIL_FROM */
  from?: string;
  subject: string;
  html: string;
  text: string;
  attachments?: EmailAttachment[];
  headers?: Record<string, string>;
}

export interface SentMail {
  messageId: string;
  /** 'smtp' (accepted by the SMTP server), or the path of the .eml file written to the outbox */
  where: string;
}

export interface Mailer {
  /** Sends one message; throws when it could not be sent (see isTemporaryMailFailure). */
  send(message: OutgoingMail): Promise<SentMail>;
  /** Closes the SMTP connections; idle ones at once, a message in flight is finished first. */
  close(): void;
}

// A dead or unreachable server must fail a message within seconds, not after nodemailer's defaults (2 minutes to
// connect, 10 to notice a silent connection): the delivery job then retries it later. SMTP servers answer each
// command at once, so 15 s of silence is a dead server. SMTP_URL query parameters override these
// (e.g. ?socketTimeout=60000), for a server known to be slow.
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 15_000, dnsTimeout: 10_000 };
const SMTP_CONNECTIONS = 5;

// Every message is automatic: RFC 3834 asks auto-responders (out-of-office replies) not to answer it.
const DEFAULT_HEADERS = { 'Auto-Submitted': 'auto-generated' };

/** The mailer configured by `config.mail`: SMTP when SMTP_URL is set, else .eml files in the outbox folder. */
export function createMailer({ mail, log }: { mail: Config['mail']; log: FastifyBaseLogger }): Mailer {
  const dkim = mail.dkim && dkimOptions(mail.dkim);
  const defaults = { from: mail.from };
  if (mail.transport.kind === 'smtp') {
    const transport = nodemailer.createTransport({ url: mail.transport.url, pool: true, maxConnections: SMTP_CONNECTIONS, ...SMTP_TIMEOUTS, dkim }, defaults);
    return {
      async send(message) {
        const recipientDomain = domainOf(message.to);
        try {
          const info = await transport.sendMail(mailOptions(message));
          log.info({ messageId: info.messageId, recipientDomain, smtpResponse: withoutAddresses(info.response ?? '') }, 'e-mail accepted by the SMTP server');
          return { messageId: info.messageId, where: 'smtp' };
        } catch (error) {
          log.warn({ recipientDomain, temporary: isTemporaryMailFailure(error), reason: mailFailureReason(error) }, 'e-mail not sent');
          throw error;
        }
      },
      close: () => transport.close(),
    };
  }
  const { dir } = mail.transport;
  // the outbox holds learners' names and addresses: readable by the service's user only
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows', dkim }, defaults);
  return {
    async send(message) {
      const info = await transport.sendMail(mailOptions(message));
      const where = await writeOutboxFile(dir, info.messageId, info.message as Buffer);
      log.info({ messageId: info.messageId, recipientDomain: domainOf(message.to), where }, 'e-mail written to the outbox (no SMTP_URL is set)');
      return { messageId: info.messageId, where };
    },
    close: () => transport.close(),
  };
}

function mailOptions(message: OutgoingMail) {
  const { to, replyTo, from, subject, html, text, attachments = [], headers } = message;
  return { to, replyTo, ...(from ? { from } : {}), subject, html, text, attachments, headers: { ...DEFAULT_HEADERS, ...headers } };
}

/** DKIM signing with the key read once, now: a key that cannot be read or is no private key stops the start. */
function dkimOptions({ domainName, keySelector, privateKeyFile }: NonNullable<Config['mail']['dkim']>): DKIMOptions {
  let privateKey: string;
  try {
    privateKey = readFileSync(privateKeyFile, 'utf8');
  } catch (error) {
    throw new Error(`MAIL_DKIM_PRIVATE_KEY_FILE ${privateKeyFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
  try {
    createPrivateKey(privateKey);
  } catch (error) {
    throw new Error(`MAIL_DKIM_PRIVATE_KEY_FILE ${privateKeyFile} holds no private key: a PEM file ("-----BEGIN PRIVATE KEY-----") is expected`, { cause: error });
  }
  return { domainName, keySelector, privateKey };
}

/**
 * Writes a whole message as `<time>-<id>.eml`: first under a hidden temporary name, flushed to disk, then renamed,
 * so that whoever reads the folder (a person, Mailpit, a script) sees complete files only. Mode 0600: the file holds
 * a learner's name and address.
 */
async function writeOutboxFile(dir: string, messageId: string, content: Buffer): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  // the Message-ID's unique part, <uuid@host> → uuid, in the characters a file name can always have
  const id = messageId.replace(/^<|>$/g, '').split('@')[0]!.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 64) || randomUUID();
  const path = join(dir, `${stamp}-${id}.eml`);
  const temporary = join(dir, `.${stamp}-${id}.eml.tmp`);
  try {
    const file = await open(temporary, 'wx', 0o600);
    try {
      await file.writeFile(content);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return path;
}

/** The fields nodemailer (and Node) put on a failure. */
interface MailFailure {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
  message?: unknown;
}

// Failures of the message itself (its sender, recipient or content: MAIL FROM, RCPT TO, DATA, or an address or size
// refused before sending). A 5xx reply to these is the server's final word on this message.
const MESSAGE_FAILURES = new Set(['EENVELOPE', 'EMESSAGE']);

/**
 * Whether sending the same message again later may succeed. Temporary: 4xx replies (greylisting, mailbox busy),
 * 503, and everything that is about reaching the server rather than about the message — refused connections,
 * resets, timeouts, DNS, TLS, and also a 5xx to the connection itself (authentication, greeting), which says the
 * service's SMTP set-up is wrong: those messages go out once it is fixed. Permanent: a 5xx reply to the message
 * (550 no such user, 552 too large, 554 rejected as spam) and an address or size refused before sending.
 */
export function isTemporaryMailFailure(error: unknown): boolean {
  const { code, responseCode } = (error ?? {}) as MailFailure;
  if (typeof code !== 'string' || !MESSAGE_FAILURES.has(code)) return true;
  if (typeof responseCode !== 'number') return false;
  // RFC 5321: 5yz is a permanent negative reply, except 503 (bad sequence of commands), a session problem
  return !(responseCode >= 500 && responseCode < 600 && responseCode !== 503);
}

const MAX_REASON_LENGTH = 300;

/**
 * Why a message was not sent, short enough to store with the delivery and show to staff: the server's reply (or the
 * error's code and message), with e-mail addresses reduced to their domain, as in the log.
 */
export function mailFailureReason(error: unknown): string {
  const { code, responseCode, response, message } = (error ?? {}) as MailFailure;
  const what = typeof responseCode === 'number' && typeof response === 'string' ? response : typeof message === 'string' ? message : String(error);
  const prefix = typeof code === 'string' ? `${code}: ` : '';
  return withoutAddresses(`${prefix}${what}`).replace(/\s+/g, ' ').trim().slice(0, MAX_REASON_LENGTH);
}

const ADDRESS = /[^\s<>()[\]"',;:@]+@([A-Za-z0-9.-]+)/g;

/** Text with every e-mail address reduced to its domain: `…@example.org`. */
function withoutAddresses(text: string): string {
  return text.replace(ADDRESS, '…@$1');
}

/** The domain of an address (`a@b.org`, `Name <a@b.org>`), what the log records instead of the address. */
function domainOf(address: string): string {
  return /@([^@\s>]+)>?\s*$/.exec(address)?.[1]?.toLowerCase() ?? 'unknown';
}
