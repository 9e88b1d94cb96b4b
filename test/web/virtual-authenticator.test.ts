import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import t from 'tap';
import { addVirtualAuthenticator, launchBrowser, openPage } from '../support/browser.js';

// The spike the console's passkeys build on: the bundled Chromium's virtual authenticator (DevTools protocol)
// registers a passkey and signs in with it through @simplewebauthn/browser served from our own origin, and
// @simplewebauthn/server verifies both ceremonies for the relying party "localhost". No app, no database.

const require = createRequire(import.meta.url);
const bundle = await readFile(require.resolve('@simplewebauthn/browser').replace(/script[/\\]index\.js$/, 'dist/bundle/index.umd.min.js'), 'utf8');

let challenge = '';
let credential: WebAuthnCredential | undefined;
const results: string[] = [];

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>passkey</title><script src="/webauthn.js"></script></head><body>
<button id="register">register</button><button id="login">login</button><output id="out"></output>
<script src="/ceremony.js"></script></body></html>`;
const CEREMONY = `
const post = (path, body) => fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
const out = document.getElementById('out');
document.getElementById('register').onclick = async () => {
  const options = await post('/register/options', {});
  const response = await SimpleWebAuthnBrowser.startRegistration({ optionsJSON: options });
  out.textContent = JSON.stringify(await post('/register/verify', response));
};
document.getElementById('login').onclick = async () => {
  const options = await post('/login/options', {});
  const response = await SimpleWebAuthnBrowser.startAuthentication({ optionsJSON: options });
  out.textContent = JSON.stringify(await post('/login/verify', response));
};`;

const server = createServer(async (request, response) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {};
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  const json = (value: unknown) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  switch (request.url) {
    case '/':
      return response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    case '/webauthn.js':
      return response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    case '/ceremony.js':
      return response.writeHead(200, { 'content-type': 'text/javascript' }).end(CEREMONY);
    case '/register/options': {
      const options = await generateRegistrationOptions({ rpName: 'IIOE', rpID: 'localhost', userName: 'amina@example.org', userDisplayName: 'Amina', authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' } });
      challenge = options.challenge;
      return json(options);
    }
    case '/register/verify': {
      const verification = await verifyRegistrationResponse({ response: body, expectedChallenge: challenge, expectedOrigin: origin, expectedRPID: 'localhost' });
      credential = verification.registrationInfo?.credential;
      results.push(`registered ${verification.verified}`);
      return json({ verified: verification.verified });
    }
    case '/login/options': {
      const options = await generateAuthenticationOptions({ rpID: 'localhost', userVerification: 'preferred' });
      challenge = options.challenge;
      return json(options);
    }
    case '/login/verify': {
      if (!credential || body.id !== credential.id) return json({ verified: false });
      const verification = await verifyAuthenticationResponse({ response: body, expectedChallenge: challenge, expectedOrigin: origin, expectedRPID: 'localhost', credential });
      results.push(`signed in ${verification.verified} counter ${verification.authenticationInfo.newCounter}`);
      return json({ verified: verification.verified });
    }
    default:
      return response.writeHead(404).end();
  }
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
t.teardown(() => server.close());

const browser = await launchBrowser();
t.teardown(() => browser.close());

t.test('a virtual authenticator registers a passkey and signs in with it, verified by @simplewebauthn/server', async (t) => {
  const { port } = server.address() as AddressInfo;
  const { page, problems } = await openPage(browser, `http://localhost:${port}/`, { javaScript: true });
  const authenticator = await addVirtualAuthenticator(page);
  await page.click('#register');
  await page.waitForFunction('document.getElementById("out").textContent !== ""');
  t.same(JSON.parse((await page.textContent('#out')) ?? ''), { verified: true });
  t.equal((await authenticator.credentials()).length, 1, 'the authenticator holds one passkey');
  await page.evaluate('document.getElementById("out").textContent = ""');
  await page.click('#login');
  await page.waitForFunction('document.getElementById("out").textContent !== ""');
  t.same(JSON.parse((await page.textContent('#out')) ?? ''), { verified: true });
  t.match(results, ['registered true', /^signed in true counter [1-9]/]);
  t.same(problems, []);
  await page.close();
});
