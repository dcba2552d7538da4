// The admin pages' helpers (no inline script: the pages' CSP forbids it): print buttons, and the
// report's CSV links following the decimal separator chosen beside them.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
  for (const choice of document.querySelectorAll("select[data-decimals]")) {
    const follow = () => {
      for (const link of document.querySelectorAll("a[data-csv]")) {
        const url = new URL(link.href);
        url.searchParams.set("decimali", choice.value);
        link.href = url.toString();
      }
    };
    choice.addEventListener("change", follow);
    follow(); // a choice made while the page was loading
  }
});
