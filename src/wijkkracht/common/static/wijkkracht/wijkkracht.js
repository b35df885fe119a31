// Behaviour for every page. The Content-Security-Policy allows no inline script or event handlers:
// pages mark elements with data attributes and this file wires them up.
"use strict";

document.addEventListener("click", function (event) {
  var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (target) {
    event.preventDefault();
    window.print();
  }
});
