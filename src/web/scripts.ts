import { createHash } from 'node:crypto';

/**
 * The only script any page carries, and only as an extra: it reveals the "copy the link" buttons and copies on
 * click. Without JavaScript the link stays selectable in its text field.
 */
export const COPY_LINK_SCRIPT =
  "if(navigator.clipboard){document.querySelectorAll('[data-copy]').forEach(function(b){b.hidden=false;b.addEventListener('click',function(){navigator.clipboard.writeText(b.getAttribute('data-copy')).then(function(){var s=document.getElementById(b.getAttribute('aria-describedby'));if(s)s.textContent=b.getAttribute('data-copied')})})})}";

const scriptHash = createHash('sha256').update(COPY_LINK_SCRIPT).digest('base64');

/**
 * Pages load nothing from anywhere: inline style, our own images (the QR code), this one script by its hash,
 * forms posting back here. Nothing else can run, even if some text slipped past escaping.
 */
export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "img-src 'self'",
  `script-src 'sha256-${scriptHash}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
