// Passkeys (WebAuthn): the browser's two ceremonies, run against our JSON endpoints
// (workflows/passkeys.py). A static file: the pages carry no inline script (CSP 'self').
//
// <form data-passkey="register">: the profile's "add a passkey" form. Its fields (name, and the
//   current code when the person already has a second factor) go with the ceremony's start; the
//   new passkey is sent to be verified and kept; the first recovery codes, when the server
//   made some, are shown once in place; otherwise the profile page is loaded again.
// <form data-passkey="confirm">: the confirmation form before a signature. The passkey confirms
//   this session, then the form itself is posted: the act proceeds (or, with data-done-url,
//   as on the profile, that page is loaded again, confirmed).
// Each form names its endpoints (data-begin-url, data-complete-url) and its French sentences
// (data-msg-*); its status line is the element named by data-status.
"use strict";

(function () {
  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < bytes.length; i++) {
      text += String.fromCharCode(bytes[i]);
    }
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function fromBase64url(value) {
    var text = value.replace(/-/g, "+").replace(/_/g, "/");
    text += "=".repeat((4 - (text.length % 4)) % 4);
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function withIds(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, { id: fromBase64url(item.id) });
    });
  }

  function creationOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = fromBase64url(json.challenge);
    options.user = Object.assign({}, json.user, { id: fromBase64url(json.user.id) });
    options.excludeCredentials = withIds(json.excludeCredentials);
    return options;
  }

  function requestOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = fromBase64url(json.challenge);
    options.allowCredentials = withIds(json.allowCredentials);
    return options;
  }

  function credentialJson(credential) {
    var response = credential.response;
    var out = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toBase64url(response.clientDataJSON) },
    };
    if (response.attestationObject) {
      out.response.attestationObject = toBase64url(response.attestationObject);
      out.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      out.response.authenticatorData = toBase64url(response.authenticatorData);
      out.response.signature = toBase64url(response.signature);
      out.response.userHandle = response.userHandle ? toBase64url(response.userHandle) : null;
    }
    return out;
  }

  function csrfToken(form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function post(form, url, body, json) {
    var headers = { "X-CSRFToken": csrfToken(form), Accept: "application/json" };
    if (json) {
      headers["Content-Type"] = "application/json";
    }
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: headers,
      body: json ? JSON.stringify(body) : body,
    }).then(function (response) {
      return response
        .json()
        .catch(function () {
          return { detail: form.dataset.msgFailed };
        })
        .then(function (data) {
          if (!response.ok) {
            throw new Error(data.detail || form.dataset.msgFailed);
          }
          return data;
        });
    });
  }

  function say(form, text, isError) {
    var status = document.getElementById(form.dataset.status);
    if (!status) {
      return;
    }
    status.textContent = text;
    status.classList.toggle("text-danger", Boolean(isError));
  }

  function browserError(form, error) {
    if (error && (error.name === "NotAllowedError" || error.name === "AbortError")) {
      return form.dataset.msgCancelled;
    }
    if (error && error.name === "InvalidStateError") {
      return form.dataset.msgExists || form.dataset.msgFailed;
    }
    return (error && error.message) || form.dataset.msgFailed;
  }

  function formFields(form) {
    var body = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (key !== "csrfmiddlewaretoken") {
        body.append(key, value);
      }
    });
    return body;
  }

  function showCodes(form, codes) {
    var section = document.getElementById(form.dataset.codes);
    var list = section.querySelector("ul");
    codes.forEach(function (code) {
      var item = document.createElement("li");
      var text = document.createElement("code");
      text.textContent = code;
      item.appendChild(text);
      list.appendChild(item);
    });
    form.hidden = true;
    section.hidden = false;
    section.querySelector("h3").focus();
  }

  function register(form) {
    say(form, form.dataset.msgWorking, false);
    post(form, form.dataset.beginUrl, formFields(form), false)
      .then(function (options) {
        return navigator.credentials.create({ publicKey: creationOptions(options) });
      })
      .then(function (credential) {
        return post(form, form.dataset.completeUrl, credentialJson(credential), true);
      })
      .then(function (data) {
        if (data.recovery_codes && data.recovery_codes.length) {
          say(form, form.dataset.msgDone, false);
          showCodes(form, data.recovery_codes);
        } else {
          window.location.assign(form.dataset.doneUrl);
        }
      })
      .catch(function (error) {
        say(form, browserError(form, error), true);
      });
  }

  function confirm(form) {
    say(form, form.dataset.msgWorking, false);
    post(form, form.dataset.beginUrl, new URLSearchParams(), false)
      .then(function (options) {
        return navigator.credentials.get({ publicKey: requestOptions(options) });
      })
      .then(function (credential) {
        return post(form, form.dataset.completeUrl, credentialJson(credential), true);
      })
      .then(function () {
        say(form, form.dataset.msgDone, false);
        if (form.dataset.doneUrl) {
          window.location.assign(form.dataset.doneUrl); // the page again, confirmed
        } else {
          form.submit(); // the act itself, now confirmed for this session
        }
      })
      .catch(function (error) {
        say(form, browserError(form, error), true);
      });
  }

  var ceremonies = { register: register, confirm: confirm };
  var supported = Boolean(window.PublicKeyCredential && navigator.credentials);
  document.querySelectorAll("form[data-passkey]").forEach(function (form) {
    var unsupported = document.getElementById(form.dataset.unsupported);
    if (!supported) {
      return; // the form stays hidden, the sentence saying why stays shown
    }
    if (unsupported) {
      unsupported.hidden = true;
    }
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      ceremonies[form.dataset.passkey](form);
    });
  });
})();
