/**
 * The console's one script, served as /console/assets/console.js beside @simplewebauthn/browser's bundle (both from
 * this origin; the console's CSP allows scripts from 'self' only). Everything works without it except the passkey
 * ceremonies, which WebAuthn only offers to scripts; with it, a running cohort's progress moves without reloads.
 *
 *   [data-passkey="sign-in"|"register"|"confirm"]  a button: runs the ceremony against the URLs in its data-options
 *                                                  and data-verify, then goes to data-next (else the answer's redirect);
 *                                                  failures are written into the element named by aria-describedby
 *   [data-progress]                                a <progress>: polls the JSON at data-progress every 2 s until done
 *   form button[data-once]                         once its form is sent, its buttons are disabled (a double click
 *                                                  signs one credential, not two)
 *
 * Plain ES2017 in one closure; written as a string so the build copies nothing.
 */
export const CONSOLE_SCRIPT = `(function () {
  'use strict';
  var csrf = document.querySelector('meta[name="csrf-token"]');
  function post(url, body) {
    var headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (csrf) headers['x-csrf-token'] = csrf.getAttribute('content');
    return fetch(url, { method: 'POST', headers: headers, body: JSON.stringify(body || {}), credentials: 'same-origin' }).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) throw new Error(json.detail || json.title || String(response.status));
        return json;
      });
    });
  }
  function fail(button, error) {
    var target = document.getElementById(button.getAttribute('aria-describedby') || '');
    if (target) {
      target.hidden = false;
      target.textContent = (button.getAttribute('data-failed') || '') + (error && error.message ? ' (' + error.message + ')' : '');
    }
    button.disabled = false;
  }
  var browser = window.SimpleWebAuthnBrowser;
  document.querySelectorAll('[data-passkey]').forEach(function (button) {
    var container = button.closest('[data-needs-script]');
    if (!browser || !browser.browserSupportsWebAuthn()) return;
    if (container) container.hidden = false;
    var fallback = document.querySelectorAll('[data-without-script]');
    fallback.forEach(function (element) { element.hidden = true; });
    button.addEventListener('click', function (event) {
      event.preventDefault();
      button.disabled = true;
      var kind = button.getAttribute('data-passkey');
      var nameField = document.getElementById(button.getAttribute('data-name-field') || '');
      post(button.getAttribute('data-options'))
        .then(function (started) {
          var ceremony = kind === 'register' ? browser.startRegistration({ optionsJSON: started.options }) : browser.startAuthentication({ optionsJSON: started.options });
          return ceremony.then(function (response) {
            return post(button.getAttribute('data-verify'), { challengeId: started.challengeId, response: response, name: nameField ? nameField.value : undefined });
          });
        })
        .then(function (answer) { window.location.assign(button.getAttribute('data-next') || answer.redirect || window.location.href); })
        .catch(function (error) { fail(button, error); });
    });
  });
  document.querySelectorAll('button[data-once]').forEach(function (button) {
    if (!button.form) return;
    button.form.addEventListener('submit', function (event) {
      var form = event.target;
      // after this turn: the submission has already taken the clicked button's name and value
      setTimeout(function () { form.querySelectorAll('button').forEach(function (other) { other.disabled = true; }); }, 0);
    });
  });
  document.querySelectorAll('progress[data-progress]').forEach(function (bar) {
    var status = document.getElementById(bar.getAttribute('aria-describedby') || '');
    function poll() {
      fetch(bar.getAttribute('data-progress'), { headers: { accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (response) { return response.json(); })
        .then(function (progress) {
          bar.value = progress.done;
          bar.max = progress.total || 1;
          if (status && progress.text) status.textContent = progress.text;
          if (progress.finished) window.location.reload();
          else setTimeout(poll, 2000);
        })
        .catch(function () { setTimeout(poll, 5000); });
    }
    setTimeout(poll, 2000);
  });
})();
`;
