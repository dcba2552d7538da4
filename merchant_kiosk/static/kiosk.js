// The till's small helpers: sounds for verdicts, Esc for the next card, the scanner field kept focused,
// a card scanned into the amount field taken as a new scan, the keys of the amount's confirmation, camera
// frames read on the till's server, and the sync banner kept current.
"use strict";

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]').content;
}

// Accept: two rising tones. No usable offer: two falling tones. Reject: one long low buzz. Each told apart
// without looking at the screen.
const SOUNDS = {
  accept: { wave: "sine", notes: [[880, 0, 0.12], [1320, 0.14, 0.16]] },
  no_offer: { wave: "triangle", notes: [[660, 0, 0.16], [440, 0.2, 0.3]] },
  reject: { wave: "square", notes: [[180, 0, 0.6]] },
};

function beep(kind) {
  const sound = SOUNDS[kind];
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!sound || !Context) return;
  const ctx = new Context();
  for (const [freq, start, length] of sound.notes) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = sound.wave;
    osc.frequency.value = freq;
    gain.gain.value = 0.2;
    osc.connect(gain).connect(ctx.destination);
    osc.start(ctx.currentTime + start);
    osc.stop(ctx.currentTime + start + length);
  }
  document.body.dataset.played = kind;
}

function keepScannerFocused() {
  const field = document.querySelector(".scanfield");
  if (!field) return;
  const refocus = () => {
    const active = document.activeElement;
    if (!active || active === document.body) field.focus();
  };
  document.addEventListener("click", () => setTimeout(refocus, 0));
  setInterval(refocus, 1000);
}

function emptyScanIsTheNextCustomer() {
  // After a receipt or a verdict, Enter on the empty scanner field goes to the next customer's page.
  const form = document.getElementById("rescan-form");
  if (!form) return;
  form.addEventListener("submit", (event) => {
    if (!form.elements.code.value.trim()) {
      event.preventDefault();
      window.location.href = form.dataset.emptyUrl;
    }
  });
}

function postScan(url, code) {
  // A card's text sent to be verified, as the scanner field would send it.
  const form = document.createElement("form");
  form.method = "post";
  form.action = url;
  for (const [name, value] of [["csrf_token", csrfToken()], ["code", code]]) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}

function scanTypedIntoAmount() {
  const amount = document.getElementById("amount");
  if (!amount) return;
  if (amount.value) {
    amount.focus();
    amount.select(); // the amount to correct: what the clerk types replaces it
  }
  const looksLikeCard = () => /^\s*fc1/i.test(amount.value);
  let timer = null;
  const scanInstead = () => {
    // A card scanned while the amount field had the focus: a new customer, not an amount.
    clearTimeout(timer);
    const code = amount.value;
    amount.value = "";
    postScan(amount.dataset.scanUrl, code);
  };
  amount.addEventListener("input", () => {
    clearTimeout(timer);
    if (looksLikeCard()) timer = setTimeout(scanInstead, 400); // a scanner that sends no Enter
  });
  amount.form.addEventListener("submit", (event) => {
    if (looksLikeCard()) {
      event.preventDefault(); // the scanner's Enter ends the code
      scanInstead();
    }
  });
}

function confirmAmount() {
  // The amount's confirmation: Enter confirms (the button has the focus), Esc goes back. Keys typed here
  // are a scanner's: they never press the button, and a card's text followed by Enter is the next
  // customer's scan, with nothing recorded.
  const form = document.getElementById("confirm-form");
  if (!form) return;
  const button = document.getElementById("confirm");
  let typed = "";
  document.addEventListener("keydown", (event) => {
    if (event.key.length === 1 && !event.ctrlKey && !event.altKey && !event.metaKey) {
      typed += event.key;
      event.preventDefault();
    } else if (event.key === "Enter" && typed) {
      event.preventDefault();
      if (/^\s*fc1/i.test(typed)) postScan(form.dataset.scanUrl, typed);
      typed = "";
    } else if (event.key === "Enter" && document.activeElement === document.body) {
      event.preventDefault();
      form.requestSubmit(button);
    }
  }, true);
}

function camera() {
  const button = document.getElementById("camera-button");
  const video = document.getElementById("camera");
  if (!button || !video || !navigator.mediaDevices) return;
  button.addEventListener("click", async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    const canvas = document.createElement("canvas");
    const tick = async () => {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      canvas.getContext("2d").drawImage(video, 0, 0);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
      const answer = await fetch(button.dataset.frameUrl, {
        method: "POST", body: blob, headers: { "X-CSRF-Token": csrfToken(), "Content-Type": "image/jpeg" },
      }).then((r) => r.json());
      if (answer.code) {
        stream.getTracks().forEach((t) => t.stop());
        const field = document.querySelector(".scanfield");
        field.value = answer.code;
        field.form.submit();
      } else {
        setTimeout(tick, 300);
      }
    };
    tick();
  });
}

function syncBanner() {
  const bar = document.getElementById("sync-status");
  if (!bar || !bar.dataset.statusUrl) return;
  const refresh = async () => {
    try {
      const s = await fetch(bar.dataset.statusUrl).then((r) => r.json());
      const banner = document.getElementById("offline-banner");
      if (banner) banner.hidden = s.online;
      bar.classList.toggle("offline", !s.online);
      const pending = document.getElementById("pending-count");
      if (pending) pending.textContent = s.pending;
    } catch (e) { /* the till's own server is restarting: keep the last state */ }
  };
  setInterval(refresh, 5000);
}

function printAndConfirm() {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  printAndConfirm();
  const sound = document.body.dataset.sound;
  if (sound) beep(sound);
  const escape = document.body.dataset.escape;
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && escape) window.location.href = escape;
  });
  keepScannerFocused();
  emptyScanIsTheNextCustomer();
  scanTypedIntoAmount();
  confirmAmount();
  camera();
  syncBanner();
  document.body.dataset.ready = "1"; // the keys work from here on
});
