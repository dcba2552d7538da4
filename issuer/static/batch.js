// The batch page: poll the job and reload when it has finished; the page works without this, with a reload.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const bar = document.getElementById("progress");
  if (!bar || !bar.dataset.url) return;
  const poll = async () => {
    const state = await fetch(bar.dataset.url).then((r) => r.json());
    bar.max = Math.max(state.total, 1);
    bar.value = state.done;
    document.getElementById("count").textContent = `${state.done} / ${state.total}`;
    if (state.finished) window.location.reload();
    else setTimeout(poll, 300);
  };
  poll();
});
