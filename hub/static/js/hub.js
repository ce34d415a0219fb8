// Atelier Hub's own script: small and optional; every page works without it.
(function () {
  "use strict";

  // Forms marked data-confirm ask before a destructive action (no inline handlers: strict CSP).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !form.hasAttribute("hx-post")) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    }
  });
})();

// The report's "Print or save as PDF" button (no inline handler: strict CSP).
document.addEventListener("click", function (event) {
  var target = event.target;
  if (target instanceof Element && target.closest("[data-print]")) {
    window.print();
  }
});
